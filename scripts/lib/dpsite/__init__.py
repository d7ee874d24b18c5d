"""The public site: `serve` runs Datasette read-only on the built database, with the plugins and
templates of this folder."""
