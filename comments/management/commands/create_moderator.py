from newsportal.staff import StaffCommand


class Command(StaffCommand):
    help = "Create a moderator account (or make an existing user a moderator)."
    group_name = "Moderators"
