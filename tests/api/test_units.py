"""GET /api/v1/units: the unit tree, former units included."""

from datetime import date

from app.extensions import db


def test_units_are_listed_by_code_with_total(client, units):
    response = client.get("/api/v1/units")

    assert response.status_code == 200
    data = response.get_json()
    assert [item["code"] for item in data["items"]] == ["07615", "07627", "24"]
    assert data["total"] == 3


def test_unit_item_has_the_contract_fields(client, units):
    item = next(item for item in client.get("/api/v1/units").get_json()["items"] if item["code"] == "07627")

    assert item == {
        "code": "07627",
        "name": "Xã Đại Sơn",
        "kind": "commune",
        "parent": "24",
        "valid_from": None,
        "valid_to": None,
        "successor": None,
    }


def test_units_filtered_by_parent_are_its_children_only(client, units, district_tree):
    data = client.get("/api/v1/units?parent=24").get_json()

    assert [item["code"] for item in data["items"]] == ["07615", "07627", "213"]
    assert data["total"] == 3
    deeper = client.get("/api/v1/units?parent=213").get_json()
    assert [item["code"] for item in deeper["items"]] == ["07600"]


def test_units_filtered_by_kind(client, units, district_tree):
    communes = client.get("/api/v1/units?kind=commune").get_json()
    districts = client.get("/api/v1/units?parent=24&kind=district").get_json()

    assert [item["code"] for item in communes["items"]] == ["07600", "07615", "07627"]
    assert [item["code"] for item in districts["items"]] == ["213"]


def test_former_units_are_listed_with_their_end_and_successor(client, units, district_tree):
    district, _ = district_tree
    district.valid_to = date(2025, 6, 30)
    district.successor = units[0]
    db.session.commit()

    item = next(item for item in client.get("/api/v1/units").get_json()["items"] if item["code"] == "213")

    assert item["valid_to"] == "2025-06-30"
    assert item["successor"] == "24"


def test_unknown_parent_is_a_json_404(client, units):
    response = client.get("/api/v1/units?parent=99999")

    assert response.status_code == 404
    assert response.is_json
    data = response.get_json()
    assert data["status"] == 404
    assert "99999" in data["message"]


def test_unknown_kind_is_a_json_400_naming_the_field(client, units):
    response = client.get("/api/v1/units?kind=village")

    assert response.status_code == 400
    data = response.get_json()
    assert data["status"] == 400
    assert data["message"]
    assert set(data["errors"]) == {"kind"}


def test_units_are_public_cacheable_and_open_to_other_sites(client, units):
    response = client.get("/api/v1/units")

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.cache_control.public
    assert response.cache_control.max_age == 60
