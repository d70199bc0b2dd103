"""/sitemap.xml and its parts /sitemaps/units.xml and /sitemaps/notices-<n>.xml, streamed."""

from flask import Response, abort, stream_with_context

from app.opendata import blueprint, sitemaps

SITEMAP_MAX_AGE = 3600


def _xml(lines):
    response = Response(stream_with_context(lines), mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = SITEMAP_MAX_AGE
    return response


@blueprint.get("/sitemap.xml")
def sitemap():
    """Every public address in one file, or past the limit an index of the parts."""
    return _xml(sitemaps.sitemap_index() if sitemaps.needs_index() else sitemaps.whole_sitemap())


@blueprint.get("/sitemaps/units.xml")
def units_sitemap():
    """The home page, the notice list and every unit's page."""
    return _xml(sitemaps.units_part())


@blueprint.get("/sitemaps/notices-<int:number>.xml")
def notices_sitemap(number):
    """The public notices of the number-th block of ids."""
    if not 1 <= number <= sitemaps.notice_part_count():
        abort(404)
    return _xml(sitemaps.notice_part(number))
