"""Tables shared by every tenant of the installation (no ``tenant`` column, so no row-level
security wall; docs/adr/0018 says why that is right for them)."""

from piccolo.columns import DoublePrecision, Timestamptz, Varchar
from piccolo.table import Table


class GeocodeCacheTable(Table, tablename="geocode_cache"):
    """What the geocoder answered for an address key (or ``reverse:lat,lon``): public map data,
    kept so that no address is asked twice, whichever tenant has it. ``found`` false is a
    remembered "no match" (asked again after a while: the map grows)."""

    key = Varchar(length=1024, unique=True)
    provider = Varchar(length=16)
    found = Varchar(length=1, default="n")
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    quality = Varchar(length=16, null=True, default=None)
    display_name = Varchar(length=1024, default="")
    created_at = Timestamptz()


class GeocoderSlotTable(Table, tablename="geocoder_slot"):
    """The installation's request budget per outside service: ``next_at`` (seconds since the
    epoch) is the earliest moment the next request may start. Every process reserves its turn by
    moving it forward in one atomic statement."""

    name = Varchar(length=63, unique=True)
    next_at = DoublePrecision(default=0.0)
