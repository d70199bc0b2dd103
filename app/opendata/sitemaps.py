"""The sitemaps (sitemaps.org 0.9): every public notice and unit page, split into files past the limit.

Up to SITEMAP_MAX_URLS addresses, /sitemap.xml lists them all. Past it, /sitemap.xml is an index of
/sitemaps/units.xml (the home page, the list and every unit) and /sitemaps/notices-<n>.xml, where file n
holds the public notices whose ids fall in the n-th block of SITEMAP_MAX_URLS ids: a notice stays in
the same file for good, and each file is a range scan of the primary key.
"""

from xml.sax.saxutils import escape

from sqlalchemy import func, select

from app.accounts.models import AdministrativeUnit
from app.clock import to_local
from app.extensions import db
from app.notices.models import Notice
from app.opendata.addresses import url_template
from app.opendata.changes import PUBLIC_STATUSES
from app.urls import public_url

SITEMAP_MAX_URLS = 50_000  # sitemaps.org: at most 50,000 addresses (and 50 MB) per file
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
STREAM_BATCH = 2000


def _lastmod(moment):
    return to_local(moment).isoformat(timespec="seconds") if moment else None


def _url(location, lastmod=None):
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(location)}</loc>{modified}</url>\n"


def fixed_page_urls():
    return [public_url("notices.index"), public_url("notices.list_notices")]


def _public():
    return Notice.status.in_(PUBLIC_STATUSES)


def url_count():
    """How many addresses the site has for crawlers: fixed pages, units and public notices."""
    units = db.session.scalar(select(func.count()).select_from(AdministrativeUnit))
    notices = db.session.scalar(select(func.count()).select_from(Notice).where(_public()))
    return len(fixed_page_urls()) + units + notices


def needs_index():
    return url_count() > SITEMAP_MAX_URLS


def notice_part_count():
    """How many /sitemaps/notices-<n>.xml files there are (blocks of ids up to the highest public one)."""
    highest = db.session.scalar(select(func.max(Notice.id)).where(_public())) or 0
    return -(-highest // SITEMAP_MAX_URLS)


def _part_bounds(number):
    return (number - 1) * SITEMAP_MAX_URLS + 1, number * SITEMAP_MAX_URLS


def unit_lines():
    """<url> lines of the fixed pages and every unit page (former units keep their page)."""
    for location in fixed_page_urls():
        yield _url(location)
    template = url_template("notices.show_unit", "code")
    for (code,) in db.session.execute(select(AdministrativeUnit.code).order_by(AdministrativeUnit.path)):
        yield _url(template.format(code))


def notice_lines(first_id=None, last_id=None):
    """<url> lines of the public notices (those with ids from first_id to last_id), read in batches."""
    query = select(Notice.id, Notice.updated_at).where(_public()).order_by(Notice.id)
    if first_id is not None:
        query = query.where(Notice.id.between(first_id, last_id))
    template = url_template("notices.show_notice", "notice_id")
    for notice_id, updated_at in db.session.execute(query.execution_options(yield_per=STREAM_BATCH)):
        yield _url(template.format(notice_id), _lastmod(updated_at))


def urlset(lines):
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{XMLNS}">\n'
    yield from lines
    yield "</urlset>\n"


def whole_sitemap():
    """One <urlset> with every address (when they fit in one file)."""
    yield from urlset(_chain(unit_lines(), notice_lines()))


def notice_part(number):
    """The <urlset> of notices file `number`."""
    yield from urlset(notice_lines(*_part_bounds(number)))


def units_part():
    yield from urlset(unit_lines())


def sitemap_index():
    """The <sitemapindex> of the units file and every notices file, each notices file with its last change."""
    parts = notice_part_count()
    block = (Notice.id - 1) // SITEMAP_MAX_URLS
    rows = db.session.execute(select(block, func.max(Notice.updated_at)).where(_public()).group_by(block))
    modified = {int(number): moment for number, moment in rows}
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{XMLNS}">\n'
    yield f"<sitemap><loc>{escape(public_url('opendata.units_sitemap'))}</loc></sitemap>\n"
    template = url_template("opendata.notices_sitemap", "number")
    for number in range(1, parts + 1):
        lastmod = _lastmod(modified.get(number - 1))
        modified_tag = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        yield f"<sitemap><loc>{escape(template.format(number))}</loc>{modified_tag}</sitemap>\n"
    yield "</sitemapindex>\n"


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable
