"""Live coverage (#13): an article that editors keep updating, minute by minute, while readers
watch. The article is marked live; its updates are rows of their own (models.py), posted and
changed through services.py, read by the article page, a small polling endpoint and the
article's own feed, all served from the front cache and purged when an update changes."""
