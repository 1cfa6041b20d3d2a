# gunicorn for `make serve` (python -m newsportal.serve passes --bind and --workers).
#
# Sync workers: Varnish stands in front and buffers slow readers, so each worker only ever
# waits on Django itself, and a process per request in flight is the fastest model we
# measured for this CPU-bound site (issue #8; figures in the README's "Production" section).

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
# Varnish keeps connections to the application open; sync workers close after each response.
keepalive = 2

# Errors and start/stop to the terminal; Varnish sees every request, so no access log here.
errorlog = "-"
loglevel = "warning"
accesslog = None
