"""The process-wide runtime (settings, database, blob store) and per-request services.

One :class:`Runtime` per process, built from settings at start. :meth:`Runtime.services` builds the
services for one request; they are cheap, and their caches live exactly as long as the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from backend.access.policy import Principal
from backend.access.repository import PiccoloAccessRepository
from backend.access.service import AccessService
from backend.accounts.device_repository import PiccoloDeviceRepository
from backend.accounts.devices import DeviceRegistry
from backend.accounts.repository import PiccoloAccountRepository
from backend.accounts.service import AccountService
from backend.audit.repository import PiccoloAuditRepository
from backend.audit.service import AuditTrail
from backend.blobs.repository import PiccoloUploadRepository
from backend.blobs.store import BlobStore, LocalBlobStore, TenantBlobStores
from backend.blobs.uploads import BlobUploads
from backend.customers.repository import PiccoloCustomerRepository
from backend.customers.service import CustomerService
from backend.documents.archive import ArchiveService
from backend.documents.pages import PageRenders, PageService
from backend.documents.reextraction import ReextractionService
from backend.documents.repository import PiccoloDocumentRepository
from backend.documents.repreview import RepreviewService
from backend.documents.service import DocumentService
from backend.geo.geocoder import GeopyGeocoder
from backend.geo.ratelimit import SharedRateLimit
from backend.geo.repository import PiccoloGeocodeCache, PiccoloGeoRepository, PiccoloRequestSlots
from backend.geo.roads import OsrmTable
from backend.geo.service import GeoService
from backend.jobs.queue import JobQueue
from backend.jobs.repository import PiccoloJobRepository
from backend.jobs.worker import Handler, Worker, WorkerSettings
from backend.notifications.inbox import NotificationInbox
from backend.notifications.keys import VapidKeyring
from backend.notifications.live import LiveHub
from backend.notifications.repository import PiccoloNotificationRepository
from backend.notifications.service import SubscriptionService
from backend.persistence.database import Database
from backend.ports import Clock, utcnow
from backend.search.repository import PiccoloSearchRepository
from backend.search.service import SearchService
from backend.settings import Settings
from backend.tenancy.cache import CatalogCache
from backend.tenancy.repository import PiccoloCatalogRepository
from backend.tenancy.service import CatalogService
from backend.time_zones import zone_of
from backend.views.membership import ViewMembership
from backend.views.repository import PiccoloViewRepository
from backend.views.service import ViewService
from backend.visits.repository import PiccoloVisitRepository
from backend.visits.service import VisitService

__all__ = ["Runtime", "Services"]


@dataclass(frozen=True, slots=True)
class Services:
    access: AccessService
    accounts: AccountService
    devices: DeviceRegistry
    jobs: JobQueue
    archive: ArchiveService
    audit: AuditTrail
    catalog: CatalogService
    customers: CustomerService
    documents: DocumentService
    pages: PageService
    views: ViewService
    notifications: SubscriptionService
    notification_inbox: NotificationInbox
    geo: GeoService
    visits: VisitService
    search: SearchService
    reextraction: ReextractionService
    repreview: RepreviewService
    uploads: BlobUploads


@dataclass
class Runtime:
    settings: Settings
    database: Database
    blobs: BlobStore
    clock: Clock = field(default=utcnow)
    catalog_cache: CatalogCache = field(default_factory=CatalogCache)
    live: LiveHub = field(default_factory=LiveHub)
    page_renders: PageRenders = field(default_factory=PageRenders)
    """PDF pages being rendered on demand by this process."""
    """Servers of this process that want live events (used on SQLite; PostgreSQL notifies)."""

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = utcnow) -> Runtime:
        database = Database(settings.database)
        return cls(
            settings=settings,
            database=database,
            blobs=TenantBlobStores(
                LocalBlobStore(settings.blobs.root), PiccoloCatalogRepository().blob_root
            ),
            clock=clock,
        )

    async def start(self) -> None:
        await self.database.start()

    async def close(self) -> None:
        await self.database.close()

    def worker(self, handlers: Mapping[str, Handler], name: str | None = None) -> Worker:
        """A worker over this runtime's database with ``handlers`` by job kind."""
        return Worker(
            PiccoloJobRepository(),
            self.database,
            self.clock,
            handlers,
            WorkerSettings(
                lease=dt.timedelta(seconds=self.settings.jobs.lease_seconds),
                keep_done=dt.timedelta(days=self.settings.jobs.keep_done_days),
            ),
            name,
        )

    def geo_service(self, audit: AuditTrail, jobs: JobQueue) -> GeoService:
        """Positions, nearby customers and routes, with the configured geocoder and router."""
        geo = self.settings.geo
        geocoder = limit = None
        if geo.geocoder_url is not None:
            geocoder = GeopyGeocoder(geo)
            limit = SharedRateLimit(
                PiccoloRequestSlots(),
                self.database,
                f"geocoder {geo.geocoder_url}"[:63],
                geo.min_interval_ms / 1000,
            )
        return GeoService(
            PiccoloGeoRepository(),
            PiccoloGeocodeCache(),
            audit,
            self.database,
            self.clock,
            jobs,
            geocoder=geocoder,
            limit=limit,
            roads=None if geo.routing_url is None else OsrmTable(geo.routing_url),
        )

    def services(self) -> Services:
        security, limits = self.settings.security, self.settings.limits
        audit = AuditTrail(PiccoloAuditRepository(), self.database, self.clock)
        catalog = CatalogService(
            PiccoloCatalogRepository(), audit, self.database, self.catalog_cache
        )
        jobs = JobQueue(PiccoloJobRepository(), self.clock)
        customers = CustomerService(
            PiccoloCustomerRepository(),
            catalog,
            audit,
            self.database,
            self.clock,
            page_size_max=limits.page_size_max,
            jobs=jobs,
            geocoding=self.settings.geo.geocoding,
        )

        async def customer_exists(principal: Principal, customer_id: str) -> bool:
            return (await customers.by_ids(principal, [customer_id]))[0] is not None

        documents = DocumentService(
            PiccoloDocumentRepository(),
            catalog,
            customer_exists,
            self.blobs,
            audit,
            self.database,
            self.clock,
            jobs,
            max_upload_bytes=limits.max_upload_bytes,
            page_size_max=limits.page_size_max,
        )
        account_repo = PiccoloAccountRepository()

        async def user_exists(tenant_id: str, user_id: str) -> bool:
            return await account_repo.find_user(tenant_id, user_id) is not None

        access_repo = PiccoloAccessRepository()
        access = AccessService(access_repo, user_exists, audit, self.database, self.clock)

        async def readable_customers(principal: Principal, ids: list[str]) -> set[str]:
            return {c.id for c in await customers.by_ids(principal, ids) if c is not None}

        async def group_names(tenant_id: str, group_ids: list[str]) -> dict[str, str]:
            return {g.id: g.name for g in await access_repo.groups(tenant_id, group_ids)}

        views = ViewService(
            PiccoloViewRepository(),
            catalog,
            readable_customers,
            access_repo.groups_of_user,
            group_names,
            audit,
            self.database,
            self.clock,
        )
        notifications = PiccoloNotificationRepository()
        search = SearchService(
            PiccoloSearchRepository(), catalog, self.clock, zone=lambda p: zone_of(p.time_zone)
        )
        return Services(
            notifications=SubscriptionService(
                notifications,
                catalog,
                customer_exists,
                VapidKeyring(notifications, self.database, self.clock, security.secret_key),
                self.database,
                self.clock,
                secret_key=security.secret_key,
                allow_loopback_push=self.settings.is_development,
                view_visible=ViewMembership(views, search).visible,
            ),
            notification_inbox=NotificationInbox(notifications, self.database, self.clock),
            access=access,
            jobs=jobs,
            accounts=AccountService(
                account_repo,
                audit,
                self.database,
                self.clock,
                access.effective_grants,
                session_ttl=dt.timedelta(seconds=security.session_ttl_seconds),
                session_max_age=dt.timedelta(seconds=security.session_max_age_seconds),
            ),
            devices=DeviceRegistry(PiccoloDeviceRepository(), audit, self.database, self.clock),
            audit=audit,
            catalog=catalog,
            customers=customers,
            documents=documents,
            geo=self.geo_service(audit, jobs),
            visits=VisitService(PiccoloVisitRepository(), audit, self.database, self.clock),
            search=search,
            pages=PageService(
                documents,
                PiccoloDocumentRepository(),
                self.blobs,
                self.database,
                self.clock,
                self.page_renders,
                time_limit=self.settings.previews.pdf_timeout_seconds,
            ),
            archive=ArchiveService(
                documents,
                PiccoloDocumentRepository(),
                catalog,
                self.blobs,
                audit,
                self.database,
                self.clock,
            ),
            views=views,
            reextraction=ReextractionService(
                PiccoloDocumentRepository(), audit, self.database, jobs
            ),
            repreview=RepreviewService(PiccoloDocumentRepository(), audit, self.database, jobs),
            uploads=BlobUploads(
                PiccoloUploadRepository(),
                self.blobs,
                self.database,
                self.clock,
                max_bytes=limits.max_upload_bytes,
            ),
        )
