"""Maps over GraphQL: addresses with positions, customersNear, suggestCustomersAt, planRoute and
setAddressPosition, with their error codes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.factories import make_tenant_context
from tests.geo.conftest import PLACES, geo_runtime
from tests.geo.nominatim_stub import NominatimStub, running_stub

CREATE = """
mutation($input: CustomerInput!) {
  createCustomer(input: $input) {
    ... on Customer { id addresses { id geoState geoQuality latitude longitude } }
    ... on Error { code }
  }
}"""

NEAR = """
query($lat: Float!, $lon: Float!, $r: Float!, $limit: Int!) {
  customersNear(latitude: $lat, longitude: $lon, radiusKm: $r, limit: $limit) {
    __typename
    ... on NearbyCustomers { items { distanceKm customer { id name } address { id city } } }
    ... on ValidationError { code issues { field code } }
  }
}"""

ROUTE = """
query($start: PointInput!, $customers: [ID!], $addresses: [ID!], $roundTrip: Boolean!) {
  planRoute(start: $start, customerIds: $customers, addressIds: $addresses, roundTrip: $roundTrip) {
    __typename
    ... on RoutePlan {
      totalKm returnLegKm roundTrip distances
      stops { sequence legKm latitude longitude geoUri appleMapsUrl googleMapsUrl
              customer { id } address { id kind } }
    }
    ... on ValidationError { code issues { field code } }
    ... on NotFoundError { code message }
  }
}"""

PLACE = """
mutation($id: ID!, $position: PointInput) {
  setAddressPosition(addressId: $id, position: $position) {
    __typename
    ... on Customer { addresses { id geoState geoQuality latitude longitude } }
    ... on Error { code }
    ... on ValidationError { issues { field code } }
  }
}"""


def address(lat: float | None, lon: float | None, kind: str = "billing") -> dict[str, Any]:
    return {
        "kind": kind,
        "street": "Piotrkowska 1",
        "postalCode": "90-001",
        "city": "Łódź",
        "country": "PL",
        "latitude": lat,
        "longitude": lon,
    }


async def customer(api: Api, name: str, *addresses: dict[str, Any]) -> dict[str, Any]:
    data = await api.data(
        CREATE,
        {
            "input": {
                "erpNumber": f"K-{uuid.uuid4().hex[:8]}",
                "name": name,
                "keyData": {"segment": "a"},
                "addresses": list(addresses),
            }
        },
    )
    return data["createCustomer"]  # type: ignore[no-any-return]


async def test_nearby_and_route_with_navigation_links(api: Api) -> None:
    a = await customer(api, "Alpha", address(51.76, 19.46), address(51.745, 19.445, "delivery"))
    b = await customer(api, "Beta", address(51.78, 19.47))
    c = await customer(api, "Gamma", address(51.80, 19.50))
    assert a["addresses"][0]["geoState"] == "MANUAL"
    assert a["addresses"][0]["geoQuality"] == "EXACT"
    near = (await api.data(NEAR, {"lat": 51.76, "lon": 19.46, "r": 10.0, "limit": 10}))[
        "customersNear"
    ]
    assert [i["customer"]["name"] for i in near["items"]] == ["Alpha", "Beta", "Gamma"]
    assert near["items"][0]["distanceKm"] == 0.0
    assert near["items"][0]["address"]["id"] == a["addresses"][0]["id"]

    plan = (
        await api.data(
            ROUTE,
            {
                "start": {"latitude": 51.75, "longitude": 19.45},
                "customers": [c["id"], a["id"], b["id"], a["id"]],
                "addresses": [],
                "roundTrip": False,
            },
        )
    )["planRoute"]
    assert plan["__typename"] == "RoutePlan"
    assert plan["distances"] == "straight"
    stops = plan["stops"]
    assert [s["sequence"] for s in stops] == [1, 2, 3], "a customer given twice is visited once"
    assert [s["customer"]["id"] for s in stops] == [a["id"], b["id"], c["id"]]
    assert plan["returnLegKm"] == 0.0
    assert stops[0]["address"]["kind"] == "delivery", "the delivery address is the stop"
    assert plan["totalKm"] == pytest.approx(
        sum(s["legKm"] for s in stops) + plan["returnLegKm"], abs=1e-3
    )
    first = stops[0]
    assert first["geoUri"].startswith("geo:51.745000,19.445000?q=")
    assert "daddr=51.745000%2C19.445000" in first["appleMapsUrl"]
    assert "destination=51.745000%2C19.445000" in first["googleMapsUrl"]


async def test_route_errors_have_stable_codes(api: Api) -> None:
    placed = await customer(api, "Placed", address(51.76, 19.46))
    nowhere = await customer(api, "Nowhere", address(None, None))

    async def route(**variables: Any) -> dict[str, Any]:
        base = {
            "start": {"latitude": 51.0, "longitude": 19.0},
            "customers": [],
            "addresses": [],
            "roundTrip": False,
        }
        return (await api.data(ROUTE, base | variables))["planRoute"]  # type: ignore[no-any-return]

    bad = await route(start={"latitude": 91.0, "longitude": 19.0}, customers=[placed["id"]])
    assert bad["issues"] == [{"field": "start.latitude", "code": "out_of_range"}]
    assert (await route())["issues"] == [{"field": "customerIds", "code": "required"}]
    many = [str(uuid.uuid4()) for _ in range(101)]
    assert (await route(customers=many))["issues"] == [
        {"field": "customerIds", "code": "too_many_stops"}
    ]
    unknown = await route(customers=[placed["id"], str(uuid.uuid4())])
    assert unknown["code"] == "not_found"
    assert (await route(addresses=["not-a-uuid"]))["code"] == "not_found"
    missing = await route(customers=[placed["id"], nowhere["id"]])
    assert missing["issues"] == [{"field": "customerIds.1", "code": "no_position"}]
    one = await route(addresses=[placed["addresses"][0]["id"]])
    assert [s["legKm"] > 0 for s in one["stops"]] == [True]


async def test_near_validation_codes(api: Api) -> None:
    body = (await api.data(NEAR, {"lat": -91.0, "lon": 0.0, "r": 0.0, "limit": 10}))[
        "customersNear"
    ]
    assert body["__typename"] == "ValidationError"
    assert body["issues"] == [
        {"field": "latitude", "code": "out_of_range"},
        {"field": "radiusKm", "code": "out_of_range"},
    ]


async def test_placing_an_address_by_hand_is_audited_and_needs_write(
    api: Api, runtime: Runtime
) -> None:
    made = await customer(api, "Pinned", address(None, None))
    [spot] = made["addresses"]
    assert spot["geoState"] == "OFF", "no geocoder in this installation"
    placed = (
        await api.data(PLACE, {"id": spot["id"], "position": {"latitude": 51.7, "longitude": 19.4}})
    )["setAddressPosition"]
    assert placed["addresses"] == [
        {
            "id": spot["id"],
            "geoState": "MANUAL",
            "geoQuality": "EXACT",
            "latitude": 51.7,
            "longitude": 19.4,
        }
    ]
    bad = (
        await api.data(PLACE, {"id": spot["id"], "position": {"latitude": 0, "longitude": 200}})
    )["setAddressPosition"]
    assert bad["issues"] == [{"field": "longitude", "code": "out_of_range"}]
    assert (await api.data(PLACE, {"id": str(uuid.uuid4())}))["setAddressPosition"][
        "code"
    ] == "not_found"
    trail = await api.data(
        "query($id: ID!) { auditTrail(target: CUSTOMER, targetId: $id) { items { action details } } }",
        {"id": made["id"]},
    )
    [event] = [
        e for e in trail["auditTrail"]["items"] if e["action"] == "customer.address_position"
    ]
    assert event["details"]["new"] == [51.7, 19.4]
    async with browser(runtime) as other:
        viewer = await sign_in(other, api.ctx, role="viewer")
        refused = (await viewer.data(PLACE, {"id": spot["id"]}))["setAddressPosition"]
        assert refused["code"] == "forbidden"
    cleared = (await api.data(PLACE, {"id": spot["id"]}))["setAddressPosition"]
    assert cleared["addresses"][0]["geoState"] == "OFF"
    assert cleared["addresses"][0]["latitude"] is None


SUGGEST = """
query($lat: Float!, $lon: Float!) {
  suggestCustomersAt(latitude: $lat, longitude: $lon) {
    ... on PlaceSuggestion { geocoder place { displayName quality } customers { customer { name } } }
    ... on ValidationError { issues { field code } }
  }
}"""


@pytest.fixture
def stub() -> Iterator[NominatimStub]:
    yield from running_stub(NominatimStub(places={"piotrkowska": PLACES["piotrkowska"]}))


async def test_suggestions_reverse_geocode_and_list_the_nearest(
    runtime: Runtime, stub: NominatimStub
) -> None:
    rt = geo_runtime(runtime, stub.url)
    ctx = await make_tenant_context(rt)
    async with browser(rt) as client:
        api = await sign_in(client, ctx)
        await customer(api, "Next door", address(51.7593, 19.4561))
        point = {"lat": 51.7592, "lon": 19.4560}
        found = (await api.data(SUGGEST, point))["suggestCustomersAt"]
        assert found["geocoder"] == "ok"
        assert found["place"] == {
            "displayName": "Piotrkowska 1, 90-001 Łódź, Polska",
            "quality": "BUILDING",
        }
        assert [c["customer"]["name"] for c in found["customers"]] == ["Next door"]
        again = (await api.data(SUGGEST, point))["suggestCustomersAt"]
        assert again == found
        assert stub.paths() == ["/reverse"], "the second answer came from the cache"
        stub.behaviour = "500"
        failed = (await api.data(SUGGEST, {"lat": 10.0, "lon": 10.0}))["suggestCustomersAt"]
        assert (failed["geocoder"], failed["place"]) == ("unavailable", None)
        bad = (await api.data(SUGGEST, {"lat": 100.0, "lon": 10.0}))["suggestCustomersAt"]
        assert bad["issues"] == [{"field": "latitude", "code": "out_of_range"}]


async def test_suggestions_without_a_geocoder_say_so(api: Api) -> None:
    await customer(api, "Solo", address(51.7593, 19.4561))
    found = (await api.data(SUGGEST, {"lat": 51.7592, "lon": 19.4560}))["suggestCustomersAt"]
    assert found["geocoder"] == "off"
    assert found["place"] is None
    assert [c["customer"]["name"] for c in found["customers"]] == ["Solo"]


MAP_SETTINGS = """{ mapSettings { tileUrl attribution attributionUrl maxZoom prefetchAllowed
  prefetchMaxTiles } }"""


async def test_map_settings_name_the_tile_server_to_signed_in_users(
    api: Api, runtime: Runtime
) -> None:
    tiles = (await api.data(MAP_SETTINGS))["mapSettings"]
    assert tiles["tileUrl"] == runtime.settings.tiles.url
    assert tiles["attribution"] == runtime.settings.tiles.attribution
    assert tiles["prefetchAllowed"] is runtime.settings.tiles.prefetch
    assert tiles["maxZoom"] == runtime.settings.tiles.max_zoom
    async with browser(runtime) as anonymous:
        response = await anonymous.post("/graphql", json={"query": MAP_SETTINGS})
        assert response.json()["errors"][0]["extensions"]["code"] == "unauthenticated"
