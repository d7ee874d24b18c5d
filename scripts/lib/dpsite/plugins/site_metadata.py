"""Give every page, plugin pages included, the instance metadata, so the footer can always state
the licence and the sources (Datasette passes `metadata` only to its own views)."""

from datasette import hookimpl


@hookimpl
def extra_template_vars(datasette):
    return {"site_metadata": datasette.metadata()}
