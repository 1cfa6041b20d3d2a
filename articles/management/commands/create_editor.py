from newsportal.staff import StaffCommand


class Command(StaffCommand):
    help = "Create an editor account (or make an existing user an editor)."
    group_name = "Editors"
