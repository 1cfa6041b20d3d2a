# gunicorn for `make serve` (python -m newsportal.serve passes --bind and --workers).
#
# Sync workers: Varnish stands in front and buffers slow readers, so each worker only ever
# waits on Django itself; threads gained nothing for this CPU-bound site, and granian did the
# same work per page (issue #8; figures and the reasons in the README's "Production").

# Load the site once in the master and fork it: workers start fast and share its memory, and
# an error in the code or settings stops the start with one traceback.
preload_app = True

# Whether a request came over HTTPS is Django's decision (DJANGO_BEHIND_TLS_PROXY). gunicorn
# otherwise believes X-Forwarded-Proto from any local address, and Varnish, on this host,
# passes on whatever the reader sent.
secure_scheme_headers = {}
forwarded_allow_ips = ""

# A request Django has not answered in 30 s is stuck; its worker is replaced.
timeout = 30
graceful_timeout = 10

# Errors and start/stop to the terminal; Varnish sees every request, so no access log here.
errorlog = "-"
loglevel = "warning"
accesslog = None
