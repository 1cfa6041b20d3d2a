"""Uploaded pictures: checked, kept as a master of pixels only, and cut into renditions once.

Issue #7: nothing an upload carries besides its pixels may reach a stored byte, and no upload
may cost more than a bounded amount of time and memory to process. `reading` checks and decodes
(every picture is read by `read_picture`); `writing` stores (every byte is written by `encode`).
"""

from .reading import ACCEPTED_FORMATS, Picture, read_picture, validate_image_file
from .writing import MasterFile, encode, make_renditions, master_file

__all__ = [
    "ACCEPTED_FORMATS",
    "MasterFile",
    "Picture",
    "encode",
    "make_renditions",
    "master_file",
    "read_picture",
    "validate_image_file",
]
