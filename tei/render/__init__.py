"""Rendering: the XSLT runner (:mod:`tei.render.xslt`), the web edition (:mod:`tei.render.web`)
and the print edition (:mod:`tei.render.pdf`)."""
