# The comment model arrives with issue #3; the app exists so the layout is in place.
