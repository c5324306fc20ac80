"""Domain errors, each with a stable machine-readable code.

Services raise these; exactly one module per transport (``backend.graphql.errors`` and
``backend.http.errors``) maps them to the wire. Nothing here knows about HTTP or GraphQL.

    DossierError
    ├── SettingsError            settings_invalid
    ├── NotFound                 not_found
    │   ├── DocumentDeleted      document_deleted
    │   └── DirectoryGroupNotFound  directory_group_not_found
    ├── ValidationFailed         invalid            (carries FieldIssue list)
    ├── Conflict                 conflict
    │   ├── DuplicateErpNumber   duplicate_erp_number
    │   ├── RetentionActive      retention_active
    │   ├── LegalHoldActive      legal_hold
    │   ├── UploadOffsetMismatch upload_offset_mismatch  (resume from ``received``)
    │   └── RoleInUse            role_in_use
    ├── Unauthenticated          unauthenticated
    │   ├── InvalidCredentials   invalid_credentials
    │   ├── SessionExpired       session_expired
    │   └── DeviceRevoked        device_revoked     (the session ended; wipe local data)
    ├── Forbidden                forbidden
    │   ├── CsrfRejected         csrf_failed
    │   └── SelfEscalation       self_escalation
    ├── UploadRejected           (code per reason)
    │   ├── EmptyUpload          empty_upload
    │   ├── UploadTooLarge       upload_too_large
    │   ├── ContentMismatch      content_mismatch
    │   ├── InvalidFilename      invalid_filename
    │   ├── InvalidRange         invalid_range        (a resumable upload's Content-Range)
    │   └── HashMismatch         hash_mismatch        (the bytes are not the named SHA-256)
    ├── PageUnavailable          (code per reason: page_out_of_range, no_pages, preview_pending,
    │                             pdf_too_complex, pdf_render_timeout, corrupt_pdf …)
    ├── DirectoryUnavailable     directory_unavailable
    │   └── DirectoryNotConfigured  directory_not_configured
    └── GeocoderNotConfigured    geocoder_not_configured
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "Conflict",
    "ContentMismatch",
    "CsrfRejected",
    "DeviceRevoked",
    "DirectoryGroupNotFound",
    "DirectoryNotConfigured",
    "DirectoryUnavailable",
    "DocumentDeleted",
    "DossierError",
    "DuplicateErpNumber",
    "EmptyUpload",
    "FieldIssue",
    "Forbidden",
    "GeocoderNotConfigured",
    "HashMismatch",
    "InvalidCredentials",
    "InvalidFilename",
    "InvalidRange",
    "LegalHoldActive",
    "NotFound",
    "PageUnavailable",
    "RetentionActive",
    "RoleInUse",
    "SelfEscalation",
    "SessionExpired",
    "SettingsError",
    "Unauthenticated",
    "UploadOffsetMismatch",
    "UploadRejected",
    "UploadTooLarge",
    "ValidationFailed",
]


class DossierError(Exception):
    """Base of every expected error. ``code`` is stable and part of the public API."""

    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SettingsError(DossierError):
    code = "settings_invalid"

    def __init__(self, message: str, *, setting: str) -> None:
        super().__init__(message)
        self.setting = setting


class NotFound(DossierError):
    """The object does not exist, or belongs to another tenant: both look the same."""

    code = "not_found"

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"{kind} {ident} not found")
        self.kind = kind
        self.ident = str(ident)


class DocumentDeleted(NotFound):
    """The document was deleted after its retention period; only its tombstone remains."""

    code = "document_deleted"

    def __init__(self, ident: object) -> None:
        super().__init__("document", ident)
        self.message = f"document {ident} was deleted after its retention period"
        self.args = (self.message,)


class DirectoryGroupNotFound(NotFound):
    """A group asked for by DN is not in the directory, or not a group under the group base."""

    code = "directory_group_not_found"

    def __init__(self, dn: str) -> None:
        super().__init__("directory group", dn)
        self.message = f"directory group {dn!r} not found under the group base"
        self.args = (self.message,)


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One problem with one input field.

    ``field`` is a dotted path such as ``indexValues.amount``."""

    field: str
    code: str
    message: str


class ValidationFailed(DossierError):
    code = "invalid"

    def __init__(self, issues: list[FieldIssue]) -> None:
        summary = "; ".join(f"{i.field}: {i.message}" for i in issues)
        super().__init__(f"invalid input: {summary}")
        self.issues = issues

    @classmethod
    def one(cls, field: str, code: str, message: str) -> ValidationFailed:
        return cls([FieldIssue(field=field, code=code, message=message)])


class Conflict(DossierError):
    code = "conflict"


class DuplicateErpNumber(Conflict):
    code = "duplicate_erp_number"

    def __init__(self, erp_number: str) -> None:
        super().__init__(f"a customer with ERP number {erp_number!r} already exists")
        self.erp_number = erp_number


class RetentionActive(Conflict):
    """Deletion refused: the retention period has not ended."""

    code = "retention_active"

    def __init__(self, retention_until: dt.date) -> None:
        super().__init__(
            f"the document must be kept until {retention_until.isoformat()}; "
            "it can be deleted from the day after"
        )
        self.retention_until = retention_until


class LegalHoldActive(Conflict):
    """Deletion refused: the document is under legal hold, whatever its retention date."""

    code = "legal_hold"

    def __init__(self, reason: str) -> None:
        super().__init__(f"the document is under legal hold ({reason}); lift the hold first")
        self.reason = reason


class RoleInUse(Conflict):
    """A role that grants still give cannot be deleted; revoke them first."""

    code = "role_in_use"

    def __init__(self, key: str) -> None:
        super().__init__(f"role {key} is still given by grants; revoke them first")
        self.key = key


class Unauthenticated(DossierError):
    code = "unauthenticated"

    def __init__(self, message: str = "sign in first") -> None:
        super().__init__(message)


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("wrong e-mail address or password")


class SessionExpired(Unauthenticated):
    code = "session_expired"

    def __init__(self) -> None:
        super().__init__("the session has expired; sign in again")


class DeviceRevoked(Unauthenticated):
    """The browser's device was revoked (by an administrator or its user): the session ended and
    the device must delete what it keeps."""

    code = "device_revoked"

    def __init__(self) -> None:
        super().__init__("this device was revoked; its local data must be deleted")


class SessionOfAnotherDevice(Unauthenticated):
    """The session cookie came from another browser than the one it is bound to (a copied
    cookie): refused, so that revoking a device also stops its copied cookie (docs/adr/0027)."""

    code = "session_device_mismatch"

    def __init__(self) -> None:
        super().__init__("this session belongs to another device; sign in again")


class Forbidden(DossierError):
    code = "forbidden"


class CsrfRejected(Forbidden):
    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__("missing or wrong X-CSRF-Token header for a cookie-authenticated request")


class SelfEscalation(Forbidden):
    """Someone without the right to administer access tried to give themselves more of it."""

    code = "self_escalation"

    def __init__(self) -> None:
        super().__init__("you may not grant yourself access; ask an administrator")


class PageUnavailable(DossierError):
    """A page of a version that cannot be shown; ``code`` says why."""

    code = "page_unavailable"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class UploadRejected(DossierError):
    code = "upload_rejected"


class EmptyUpload(UploadRejected):
    code = "empty_upload"

    def __init__(self) -> None:
        super().__init__("the file is empty")


class UploadTooLarge(UploadRejected):
    code = "upload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than the limit of {limit} bytes")
        self.limit = limit


class ContentMismatch(UploadRejected):
    code = "content_mismatch"

    def __init__(self, filename: str, detected: str) -> None:
        super().__init__(
            f"the content of {filename!r} is {detected}, which its name does not allow"
        )
        self.detected = detected


class InvalidFilename(UploadRejected):
    code = "invalid_filename"


class InvalidRange(UploadRejected):
    """A chunk of a resumable upload whose ``Content-Range`` is malformed, does not match its
    body, or names another total than the upload started with."""

    code = "invalid_range"


class HashMismatch(UploadRejected):
    """The complete upload is not the content its SHA-256 names; what was received is gone."""

    code = "hash_mismatch"

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(f"the bytes received hash to {actual}, not {expected}")
        self.expected = expected
        self.actual = actual


class UploadOffsetMismatch(Conflict):
    """A chunk starts past what the server holds of the upload: resume from ``received``."""

    code = "upload_offset_mismatch"

    def __init__(self, received: int, start: int) -> None:
        super().__init__(
            f"the server holds {received} bytes of this upload; the chunk starts at {start}"
        )
        self.received = received
        self.start = start


class DirectoryUnavailable(DossierError):
    """The directory could not be reached, refused the bind or TLS, or did not answer in time.

    The message names the URL and the reason, never the bind password."""

    code = "directory_unavailable"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"the directory at {url} is unavailable: {reason}")
        self.url = url
        self.reason = reason


class DirectoryNotConfigured(DirectoryUnavailable):
    """No directory is configured (``DOSSIER_LDAP_URL`` is unset)."""

    code = "directory_not_configured"

    def __init__(self) -> None:
        DossierError.__init__(
            self, "no directory is configured: set DOSSIER_LDAP_URL and DOSSIER_LDAP_GROUP_BASE"
        )
        self.url = ""
        self.reason = "not configured"


class GeocoderNotConfigured(DossierError):
    """Geocoding was asked for, but no geocoder is configured (``DOSSIER_GEOCODER_URL``)."""

    code = "geocoder_not_configured"

    def __init__(self) -> None:
        super().__init__("no geocoder is configured: set DOSSIER_GEOCODER_URL")
