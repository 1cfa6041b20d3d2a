import os

from django.core.wsgi import get_wsgi_application

from newsportal.middleware import utf8_only_wsgi

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
application = utf8_only_wsgi(get_wsgi_application())
