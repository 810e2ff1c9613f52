"""Facts: every understood sheet becomes the same canonical facts (``schema``), in named stages
(``normalize``), and the inputs together become one ``Dataset`` (``load``)."""
