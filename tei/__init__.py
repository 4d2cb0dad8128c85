"""teitool: a TEI-XML toolchain for scholarly editions."""

__version__ = "0.1.0"
