"""What happens to positions when a customer's addresses are replaced as a whole.

Clients send the full list of addresses on every change; positions must survive that. An address
whose normal form (:func:`~backend.geo.addresses.address_key`) is unchanged keeps its id, position,
state and quality, so a pin a person placed is never lost to an edit of the contact list, and an
address is geocoded again only when its text changed. Coordinates sent with an address that differ
from the kept ones were set by someone (a client, an ERP): they are ``manual`` and the geocoder
leaves them alone. Everything else waits for the geocoder (``pending``), or says there is none
(``off``); a kept address that failed, or was stored while no geocoder was configured, is tried
again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from backend.customers.models import Address
from backend.geo.addresses import address_key
from backend.geo.models import GeoState, Quality

__all__ = ["key_of", "settle_positions"]


def key_of(address: Address) -> str:
    return address_key(address.street, address.postal_code, address.city, address.country)


def _same_point(a: Address, b: Address) -> bool:
    return a.latitude == b.latitude and a.longitude == b.longitude


def settle_positions(
    new: Sequence[Address], old: Sequence[Address], *, geocoding: bool, at: dt.datetime
) -> tuple[list[Address], list[str]]:
    """The addresses to store, and the ids of those to geocode."""
    unused = list(old)
    settled: list[Address] = []
    to_geocode: list[str] = []
    for address in new:
        key = key_of(address)
        kept = next((o for o in unused if key_of(o) == key), None)
        given = address.latitude is not None and address.longitude is not None
        if kept is not None:
            unused.remove(kept)
            if not given or _same_point(address, kept):
                settled.append(
                    dataclasses.replace(
                        address,
                        id=kept.id,
                        latitude=kept.latitude,
                        longitude=kept.longitude,
                        geo_state=kept.geo_state,
                        geo_quality=kept.geo_quality,
                        geo_updated_at=kept.geo_updated_at,
                    )
                )
                if geocoding and kept.geo_state in (GeoState.OFF, GeoState.FAILED):
                    settled[-1] = dataclasses.replace(settled[-1], geo_state=GeoState.PENDING)
                    to_geocode.append(kept.id)
                continue
            address = dataclasses.replace(address, id=kept.id)
        if given:
            settled.append(
                dataclasses.replace(
                    address, geo_state=GeoState.MANUAL, geo_quality=Quality.EXACT, geo_updated_at=at
                )
            )
            continue
        state = GeoState.PENDING if geocoding else GeoState.OFF
        settled.append(
            dataclasses.replace(address, geo_state=state, geo_quality=None, geo_updated_at=None)
        )
        if geocoding:
            to_geocode.append(address.id)
    return settled, to_geocode
