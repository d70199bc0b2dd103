"""How the figures are read must not change what they are: indexes or a table scan, cached or not."""

from dataclasses import replace

from app.inspection import report as report_module
from app.inspection.figures import count_rows, forwarded_out_rows, histogram_rows, prefer_table_scan
from app.inspection.report import backlog_series, build_report, workday_scale
from tests.inspection.conftest import TODAY


def _as_set(rows):
    return {tuple(sorted(dict(row).items())) for row in rows}


def test_a_table_scan_gives_the_same_rows_as_the_indexes(world):
    for unit in (world.province, world.a, world.b):
        by_index = replace(world.scope, unit=unit, table_scan=False)
        by_scan = replace(by_index, table_scan=True)
        scale = workday_scale(by_index, TODAY)
        for keys in ([], ["unit", "kind", "month"], ["official"]):
            assert _as_set(count_rows(by_scan, keys, TODAY)) == _as_set(count_rows(by_index, keys, TODAY))
        assert forwarded_out_rows(by_scan, ["unit"]) == forwarded_out_rows(by_index, ["unit"])
        for metric in ("first_response_days", "answer_days", "first_response_hours", "answer_hours"):
            by_scan_rows = histogram_rows(by_scan, ["unit", "kind"], metric, scale)
            assert _as_set(by_scan_rows) == _as_set(histogram_rows(by_index, ["unit", "kind"], metric, scale))
        assert backlog_series(by_scan) == backlog_series(by_index)


def test_sqlite_scans_the_table_for_a_scope_with_most_items_and_postgresql_never(app, world):
    scope = prefer_table_scan(world.scope)
    assert scope.table_scan == (app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"))
    assert replace(scope, table_scan=False) == world.scope


def test_a_cached_report_is_the_same_report_with_its_computing_time(app, world):
    app.config["AUDIT_REPORT_CACHE_SECONDS"] = 300
    try:
        first = build_report(world.scope, officials=True, today=TODAY, cached=True)
        again = build_report(world.scope, officials=True, today=TODAY, cached=True)
        fresh = build_report(world.scope, officials=True, today=TODAY)
        assert again.computed_at == first.computed_at <= fresh.computed_at
        assert again.total == first.total == fresh.total
        assert again.by_unit == fresh.by_unit and again.by_official == fresh.by_official
        assert [entry.unit.code for entry in again.ranking] == [entry.unit.code for entry in fresh.ranking]
        app.config["AUDIT_REPORT_CACHE_SECONDS"] = 0
        assert build_report(world.scope, today=TODAY, cached=True).computed_at > first.computed_at
    finally:
        report_module._report_cache.clear()
