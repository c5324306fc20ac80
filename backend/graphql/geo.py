"""GraphQL for maps: the tile server, customers near a point, what is at a point, the day's route,
and placing an address by hand. Bad input answers a ValidationError with per-field codes
(``out_of_range``, ``too_many_stops``, ``no_position``), unknown or hidden ids a NotFoundError."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backend.errors import DossierError
from backend.geo.models import GeocodeMatch, NearbyCustomer, Point, RoutePlan, RouteStop
from backend.geo.service import PlaceSuggestion
from backend.graphql.context import Info
from backend.graphql.customers import AddressNode, CustomerNode, QualityEnum
from backend.graphql.errors import ForbiddenError, NotFoundError, ValidationError, as_error
from backend.settings import TileSettings

__all__ = ["GeoMutation", "GeoQuery"]


@strawberry.input
class PointInput:
    latitude: float
    longitude: float

    def to_domain(self) -> Point:
        return Point(self.latitude, self.longitude)


async def _customer(info: Info, customer_id: str) -> CustomerNode:
    found = await info.context.loaders.customers.load(customer_id)
    assert found is not None  # listed only when visible
    return CustomerNode.of(found)


async def _address(info: Info, customer_id: str, address_id: str) -> AddressNode:
    for a in await info.context.loaders.addresses.load(customer_id):
        if a.id == address_id:
            return AddressNode.of(a)
    raise AssertionError("a listed address belongs to its customer")


@strawberry.type(name="MapSettings", description="The map's background tiles (server settings).")
class MapSettingsNode:
    tile_url: str = strawberry.field(
        description="URL template with {z}, {x}, {y} (and {s}, {r} where the server has them)."
    )
    attribution: str = strawberry.field(description="Shown on every map, as text.")
    attribution_url: str | None
    max_zoom: int
    prefetch_allowed: bool = strawberry.field(
        description="Whether the tile server's terms allow downloading an area for offline use."
    )
    prefetch_max_tiles: int = strawberry.field(description="Most tiles one area download fetches.")

    @classmethod
    def of(cls, t: TileSettings) -> MapSettingsNode:
        return cls(
            tile_url=t.url,
            attribution=t.attribution,
            attribution_url=t.attribution_url,
            max_zoom=t.max_zoom,
            prefetch_allowed=t.prefetch,
            prefetch_max_tiles=t.prefetch_max_tiles,
        )


@strawberry.type(name="NearbyCustomer")
class NearbyCustomerNode:
    customer_id: strawberry.Private[str]
    address_id: strawberry.Private[str]
    distance_km: float = strawberry.field(description="Great-circle distance to the address.")
    latitude: float
    longitude: float

    @classmethod
    def of(cls, n: NearbyCustomer) -> NearbyCustomerNode:
        return cls(
            customer_id=n.customer_id,
            address_id=n.address_id,
            distance_km=round(n.distance_km, 4),
            latitude=n.point.latitude,
            longitude=n.point.longitude,
        )

    @strawberry.field
    async def customer(self, info: Info) -> CustomerNode:
        return await _customer(info, self.customer_id)

    @strawberry.field(description="The customer's address nearest to the point.")
    async def address(self, info: Info) -> AddressNode:
        return await _address(info, self.customer_id, self.address_id)


@strawberry.type
class NearbyCustomers:
    items: list[NearbyCustomerNode]


@strawberry.type(name="Place")
class PlaceNode:
    display_name: str
    latitude: float
    longitude: float
    quality: QualityEnum

    @classmethod
    def of(cls, m: GeocodeMatch) -> PlaceNode:
        return cls(
            display_name=m.display_name,
            latitude=m.point.latitude,
            longitude=m.point.longitude,
            quality=QualityEnum(m.quality.value),
        )


@strawberry.type(name="PlaceSuggestion")
class PlaceSuggestionNode:
    place: PlaceNode | None = strawberry.field(description="The address the geocoder names.")
    geocoder: str = strawberry.field(
        description="ok, no_match, off (no geocoder configured), or why it could not answer: "
        "busy, timeout, rate_limited, unavailable, malformed_answer, refused."
    )
    customers: list[NearbyCustomerNode] = strawberry.field(
        description="The nearest customers within 50 km, nearest first."
    )

    @classmethod
    def of(cls, s: PlaceSuggestion) -> PlaceSuggestionNode:
        return cls(
            place=None if s.place is None else PlaceNode.of(s.place),
            geocoder=s.geocoder,
            customers=[NearbyCustomerNode.of(n) for n in s.customers],
        )


@strawberry.type(name="RouteStop")
class RouteStopNode:
    sequence: int = strawberry.field(description="1 for the first visit.")
    customer_id: strawberry.Private[str]
    address_id: strawberry.Private[str]
    latitude: float
    longitude: float
    leg_km: float = strawberry.field(description="From the previous stop, or from the start.")
    geo_uri: str = strawberry.field(description="geo: URI (RFC 5870) for the navigation app.")
    apple_maps_url: str
    google_maps_url: str

    @classmethod
    def of(cls, sequence: int, s: RouteStop) -> RouteStopNode:
        return cls(
            sequence=sequence,
            customer_id=s.customer_id,
            address_id=s.address_id,
            latitude=s.point.latitude,
            longitude=s.point.longitude,
            leg_km=round(s.leg_km, 4),
            geo_uri=s.links.geo_uri,
            apple_maps_url=s.links.apple_maps,
            google_maps_url=s.links.google_maps,
        )

    @strawberry.field
    async def customer(self, info: Info) -> CustomerNode:
        return await _customer(info, self.customer_id)

    @strawberry.field
    async def address(self, info: Info) -> AddressNode:
        return await _address(info, self.customer_id, self.address_id)


@strawberry.type(name="RoutePlan")
class RoutePlanNode:
    stops: list[RouteStopNode]
    total_km: float
    round_trip: bool
    return_leg_km: float = strawberry.field(description="Back to the start (round trips).")
    distances: str = strawberry.field(
        description="straight (great-circle) or road (the configured OSRM server)."
    )
    notes: list[str]

    @classmethod
    def of(cls, p: RoutePlan) -> RoutePlanNode:
        return cls(
            stops=[RouteStopNode.of(i, s) for i, s in enumerate(p.stops, start=1)],
            total_km=round(p.total_km, 4),
            round_trip=p.round_trip,
            return_leg_km=round(p.return_leg_km, 4),
            distances=p.distances,
            notes=p.notes,
        )


CustomersNearResult = Annotated[
    NearbyCustomers | ValidationError, strawberry.union("CustomersNearResult")
]
SuggestResult = Annotated[
    PlaceSuggestionNode | ValidationError, strawberry.union("SuggestCustomersResult")
]
RouteResult = Annotated[
    RoutePlanNode | ValidationError | NotFoundError, strawberry.union("RoutePlanResult")
]
PositionResult = Annotated[
    CustomerNode | ValidationError | NotFoundError | ForbiddenError,
    strawberry.union("AddressPositionResult"),
]


@strawberry.type
class GeoQuery:
    @strawberry.field(
        description="Where the map's tiles come from, and whether areas may be downloaded ahead "
        "for offline use."
    )
    def map_settings(self, info: Info) -> MapSettingsNode:
        ctx = info.context
        _ = ctx.principal  # signed-in users only: raises the reason otherwise
        return MapSettingsNode.of(ctx.settings.tiles)

    @strawberry.field(
        description="Customers with an address within radiusKm (at most 500) of a point, "
        "nearest first, each once."
    )
    async def customers_near(
        self,
        info: Info,
        latitude: float,
        longitude: float,
        radius_km: float = 10.0,
        limit: int = 20,
    ) -> CustomersNearResult:
        ctx = info.context
        try:
            found = await ctx.services.geo.near(
                ctx.principal, Point(latitude, longitude), radius_km, limit
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return NearbyCustomers(items=[NearbyCustomerNode.of(n) for n in found])

    @strawberry.field(
        description="For a photo's GPS position or the device's: the address there (reverse "
        "geocoded) and the nearest customers."
    )
    async def suggest_customers_at(
        self, info: Info, latitude: float, longitude: float
    ) -> SuggestResult:
        ctx = info.context
        try:
            found = await ctx.services.geo.suggest(ctx.principal, Point(latitude, longitude))
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return PlaceSuggestionNode.of(found)

    @strawberry.field(
        description="A short order to visit customers (at their delivery address, else billing) "
        "and addresses from a start: nearest neighbour improved by 2-opt and Or-opt. At most 100 "
        "stops; an id given twice is visited once."
    )
    async def plan_route(
        self,
        info: Info,
        start: PointInput,
        customer_ids: list[strawberry.ID] | None = None,
        address_ids: list[strawberry.ID] | None = None,
        round_trip: bool = True,
    ) -> RouteResult:
        ctx = info.context
        try:
            plan = await ctx.services.geo.plan_route(
                ctx.principal,
                start.to_domain(),
                [str(c) for c in customer_ids or []],
                [str(a) for a in address_ids or []],
                round_trip,
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return RoutePlanNode.of(plan)


@strawberry.type
class GeoMutation:
    @strawberry.mutation(
        description="Place an address by hand (a dragged pin): MANUAL, never overwritten by the "
        "geocoder. Without a position the address goes back to the geocoder. Audited."
    )
    async def set_address_position(
        self, info: Info, address_id: strawberry.ID, position: PointInput | None = None
    ) -> PositionResult:
        ctx = info.context
        try:
            customer_id = await ctx.services.geo.set_position(
                ctx.principal, str(address_id), None if position is None else position.to_domain()
            )
            customer = await ctx.services.customers.get(ctx.principal, customer_id)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return CustomerNode.of(customer)
