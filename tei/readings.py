"""The readings of a transcription, apart from :mod:`tei.config` so that the command line
names them without loading the settings' machinery (TOML, dataclasses)."""

#: The readings of a transcription (common.xsl's $reading): the editors' normalised forms,
#: or the source's own (abbreviations, deletions, line ends).
READINGS = ("normalised", "diplomatic")
