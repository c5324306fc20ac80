from piccolo.columns import JSON, UUID, DoublePrecision, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.tenancy.tables import TenantTable


class CustomerTable(Table, tablename="customer"):
    """A customer; ``(tenant, erp_number)`` is unique (index made in the migration)."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    erp_number = Varchar(length=64)
    name = Varchar(length=255)
    name_folded = Varchar(length=255, index=True)
    status = Varchar(length=32, default="active")
    key_data = JSON(default={})
    revision = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class AddressTable(Table, tablename="customer_address"):
    """An address of a customer with its position (see :class:`backend.geo.models.GeoState`)."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    customer = ForeignKey(CustomerTable, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=16)
    label = Varchar(length=255, default="")
    street = Varchar(length=255)
    postal_code = Varchar(length=32)
    city = Varchar(length=255)
    country = Varchar(length=2)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    position = Integer(default=0)
    geo_key = Varchar(length=1024, default="")
    """The address in normal form (:func:`backend.geo.addresses.address_key`): the geocoding
    cache key; ``(tenant, geo_key)`` is indexed, and so is ``(tenant, latitude, longitude)``."""
    geo_state = Varchar(length=16, default="pending")
    geo_quality = Varchar(length=16, null=True, default=None)
    geo_updated_at = Timestamptz(null=True, default=None)
    geo_cell = Integer(null=True, default=None)
    """The strip of longitude the position lies in (:func:`backend.geo.distance.cell_of`): nearby
    search scans ``(tenant, geo_cell, latitude)`` only in the strips its box touches."""


class ContactTable(Table, tablename="customer_contact"):
    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    customer = ForeignKey(CustomerTable, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=255)
    role = Varchar(length=255, default="")
    email = Varchar(length=320, default="")
    phone = Varchar(length=64, default="")
    position = Integer(default=0)
