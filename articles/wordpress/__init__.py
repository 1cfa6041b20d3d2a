"""Moving a WordPress site to newsportal (#10): its export read as a stream (wxr.py) and its
post bodies as WordPress shows them (content.py)."""
