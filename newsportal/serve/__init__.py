"""`make serve`: the production stack (gunicorn, the task worker, Varnish in front).

Run as `python -m newsportal.serve`; the configuration it starts lives beside this file
(varnish.vcl, gunicorn.conf.py). No Django imports here: the stack sets up the environment the
settings then read.
"""
