/**
 * Every GraphQL operation the app sends. `npm run codegen` reads this file and writes the types of
 * their variables and results to src/generated/graphql.ts (named after each operation).
 */
import { graphql } from "./gql-tag";

export const DOCUMENT_SUMMARY = graphql`
  fragment DocumentSummary on Document {
    id
    title
    documentDate
    status
    revision
    customerId
    documentTypeId
    indexValues
    createdAt
    registers {
      id
    }
    currentVersion {
      id
      mimeType
      preview {
        state
        renditions {
          kind
          url
          width
          height
        }
      }
    }
  }
`;

export const CUSTOMER_FIELDS = graphql`
  fragment CustomerFields on Customer {
    id
    erpNumber
    name
    status
    keyData
    revision
    updatedAt
    addresses {
      id
      kind
      label
      street
      postalCode
      city
      country
      latitude
      longitude
    }
    contacts {
      id
      name
      role
      email
      phone
    }
  }
`;

export const CATALOG = graphql`
  query Catalog {
    me {
      id
      displayName
      actions
    }
    tenant {
      id
      name
      locale
      coverFields {
        key
        label
        type
        required
        choices
      }
    }
    registers {
      id
      key
      name
      parentId
      position
    }
    documentTypes {
      id
      key
      name
      defaultRegisterKeys
      fields {
        key
        label
        type
        required
        choices
      }
    }
  }
`;

export const CUSTOMER_SEARCH = graphql`
  query CustomerSearch($search: String!, $first: Int!) {
    customers(search: $search, first: $first) {
      items {
        ...CustomerFields
      }
    }
  }
${CUSTOMER_FIELDS}`;

export const DOSSIER = graphql`
  query Dossier($customerId: ID!, $first: Int!) {
    customer(id: $customerId) {
      ...CustomerFields
    }
    dossier(customerId: $customerId) {
      documentCount
      coverFields {
        key
        label
        type
        value
      }
      registers {
        register {
          id
          key
        }
        count
      }
      documents(first: $first) {
        items {
          ...DocumentSummary
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
${CUSTOMER_FIELDS}${DOCUMENT_SUMMARY}`;

export const DOSSIER_DOCUMENTS = graphql`
  query DossierDocuments($customerId: ID!, $first: Int!, $after: String) {
    dossier(customerId: $customerId) {
      documents(first: $first, after: $after) {
        items {
          ...DocumentSummary
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
${DOCUMENT_SUMMARY}`;

const DOCUMENT_DETAIL = graphql`
  fragment DocumentDetail on Document {
    ...DocumentSummary
    versionCount
    updatedAt
    retentionUntil
    documentType {
      id
      name
    }
    customer {
      id
      name
    }
    createdBy {
      displayName
    }
    versions {
      id
      number
      filename
      mimeType
      size
      comment
      createdAt
      createdBy {
        displayName
      }
      downloadUrl
      viewUrl
      preview {
        state
        reason
        pageCount
        renditions {
          kind
          url
          width
          height
        }
      }
      pages(first: 1, count: 100) {
        number
        width
        height
        url
        rendition {
          url
        }
      }
    }
    history {
      revision
      field
      oldValue
      newValue
      changedAt
      changedBy {
        displayName
      }
    }
  }
`;

export const DOCUMENT = graphql`
  query Document($id: ID!) {
    document(id: $id) {
      ...DocumentDetail
    }
  }
${DOCUMENT_DETAIL}${DOCUMENT_SUMMARY}`;

const ERRORS = graphql`
  fragment ErrorFields on Error {
    code
    message
    ... on ValidationError {
      issues {
        field
        code
        message
      }
    }
  }
`;

export const UPDATE_DOCUMENT_METADATA = graphql`
  mutation UpdateDocumentMetadata($id: ID!, $input: DocumentMetadataInput!) {
    updateDocumentMetadata(id: $id, input: $input) {
      __typename
      ... on Document {
        ...DocumentDetail
      }
      ...ErrorFields
    }
  }
${DOCUMENT_DETAIL}${DOCUMENT_SUMMARY}${ERRORS}`;

export const UPDATE_CUSTOMER = graphql`
  mutation UpdateCustomer($id: ID!, $input: CustomerInput!) {
    updateCustomer(id: $id, input: $input) {
      __typename
      ... on Customer {
        ...CustomerFields
      }
      ...ErrorFields
    }
  }
${CUSTOMER_FIELDS}${ERRORS}`;

export const UPLOAD_DOCUMENT = graphql`
  mutation UploadDocument($input: UploadDocumentInput!) {
    uploadDocument(input: $input) {
      __typename
      ... on Document {
        ...DocumentSummary
      }
      ...ErrorFields
    }
  }
${DOCUMENT_SUMMARY}${ERRORS}`;

export const ADD_VERSION = graphql`
  mutation AddVersion($documentId: ID!, $file: Upload!) {
    addVersion(documentId: $documentId, file: $file) {
      __typename
      ... on Version {
        id
      }
      ...ErrorFields
    }
  }
${ERRORS}`;

/** Documents across every dossier the caller may read, newest first: the in-tray and today. */
export const RECENT_DOCUMENTS = graphql`
  query RecentDocuments($criteria: SearchCriteriaInput!, $limit: Int!) {
    search(criteria: $criteria, limit: $limit) {
      total
      totalExact
      hits {
        document {
          ...DocumentSummary
          customer {
            ...CustomerFields
          }
        }
      }
    }
  }
${DOCUMENT_SUMMARY}${CUSTOMER_FIELDS}`;

const SEARCH_RESULTS = graphql`
  fragment SearchResultsFields on SearchResults {
    total
    totalExact
    nextCursor
    hits {
      rank
      snippet {
        text
        highlighted
      }
      document {
        ...DocumentSummary
        customer {
          ...CustomerFields
        }
      }
    }
  }
`;

/** Full-text search across the dossiers the caller may read, a page at a time. */
export const DOCUMENT_SEARCH = graphql`
  query DocumentSearch($criteria: SearchCriteriaInput!, $after: String, $limit: Int!) {
    search(criteria: $criteria, after: $after, limit: $limit) {
      ...SearchResultsFields
    }
  }
${SEARCH_RESULTS}${DOCUMENT_SUMMARY}${CUSTOMER_FIELDS}`;

const SAVED_VIEW = graphql`
  fragment SavedViewFields on SavedView {
    id
    name
    description
    placement
    position
    canEdit
    audience {
      kind
      groupId
      groupName
    }
    criteria {
      text
      customerIds
      documentTypeIds
      statuses
    }
  }
`;

export const VIEWS = graphql`
  query Views {
    views {
      ...SavedViewFields
    }
  }
${SAVED_VIEW}`;

/** A page of what a view finds, narrowed to one customer when customerId is given. */
export const VIEW_RESULTS = graphql`
  query ViewResults($id: ID!, $customerId: ID, $after: String, $limit: Int!) {
    view(id: $id) {
      ...SavedViewFields
      results(customerId: $customerId, after: $after, limit: $limit) {
        ...SearchResultsFields
      }
    }
  }
${SAVED_VIEW}${SEARCH_RESULTS}${DOCUMENT_SUMMARY}${CUSTOMER_FIELDS}`;

export const CREATE_VIEW = graphql`
  mutation CreateView($input: CreateViewInput!) {
    createView(input: $input) {
      __typename
      ... on SavedView {
        ...SavedViewFields
      }
      ...ErrorFields
    }
  }
${SAVED_VIEW}${ERRORS}`;

export const DELETE_VIEW = graphql`
  mutation DeleteView($id: ID!) {
    deleteView(id: $id) {
      __typename
      ...ErrorFields
    }
  }
${ERRORS}`;

// -- Maps (docs/adr/0022) ------------------------------------------------------------------------

export const MAP_SETTINGS = graphql`
  query MapSettings {
    mapSettings {
      tileUrl
      attribution
      attributionUrl
      maxZoom
      prefetchAllowed
      prefetchMaxTiles
    }
  }
`;

/** A page of every customer the caller may read, with their addresses' positions. */
export const MAP_CUSTOMERS = graphql`
  query MapCustomers($first: Int!, $after: String) {
    customers(first: $first, after: $after) {
      items {
        ...CustomerFields
        lastVisitAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
${CUSTOMER_FIELDS}`;

/** How many documents each customer has that match (open complaints), grouped by customer. */
export const CUSTOMER_DOCUMENT_COUNTS = graphql`
  query CustomerDocumentCounts($criteria: SearchCriteriaInput!) {
    search(criteria: $criteria, limit: 1) {
      groups {
        key
        count
      }
    }
  }
`;

const NEARBY = graphql`
  fragment NearbyFields on NearbyCustomer {
    distanceKm
    latitude
    longitude
    customer {
      ...CustomerFields
    }
    address {
      id
    }
  }
`;

export const CUSTOMERS_NEAR = graphql`
  query CustomersNear($latitude: Float!, $longitude: Float!, $radiusKm: Float!, $limit: Int!) {
    customersNear(latitude: $latitude, longitude: $longitude, radiusKm: $radiusKm, limit: $limit) {
      __typename
      ... on NearbyCustomers {
        items {
          ...NearbyFields
        }
      }
      ...ErrorFields
    }
  }
${NEARBY}${CUSTOMER_FIELDS}${ERRORS}`;

export const PLAN_ROUTE = graphql`
  query PlanRoute($start: PointInput!, $customerIds: [ID!], $roundTrip: Boolean!) {
    planRoute(start: $start, customerIds: $customerIds, roundTrip: $roundTrip) {
      __typename
      ... on RoutePlan {
        totalKm
        roundTrip
        returnLegKm
        distances
        notes
        stops {
          sequence
          latitude
          longitude
          legKm
          geoUri
          appleMapsUrl
          googleMapsUrl
          customer {
            ...CustomerFields
          }
          address {
            id
          }
        }
      }
      ...ErrorFields
    }
  }
${CUSTOMER_FIELDS}${ERRORS}`;

export const SET_ADDRESS_POSITION = graphql`
  mutation SetAddressPosition($addressId: ID!, $position: PointInput) {
    setAddressPosition(addressId: $addressId, position: $position) {
      __typename
      ... on Customer {
        ...CustomerFields
      }
      ...ErrorFields
    }
  }
${CUSTOMER_FIELDS}${ERRORS}`;

const VISIT = graphql`
  fragment VisitFields on Visit {
    id
    visitedAt
    note
    user {
      displayName
    }
  }
`;

/** Record a visit at a customer (a stop marked visited, or the cover sheet's button). */
export const RECORD_VISIT = graphql`
  mutation RecordVisit($input: VisitInput!) {
    recordVisit(input: $input) {
      __typename
      ... on Visit {
        ...VisitFields
        customer {
          id
          lastVisitAt
        }
      }
      ...ErrorFields
    }
  }
${VISIT}${ERRORS}`;

/** A customer's last visit and the latest few. */
export const CUSTOMER_VISITS = graphql`
  query CustomerVisits($id: ID!, $first: Int!) {
    customer(id: $id) {
      id
      lastVisitAt
      visits(first: $first) {
        items {
          ...VisitFields
        }
      }
    }
  }
${VISIT}`;

/** Live updates (graphql-transport-ws): what happens to readable documents, as it happens. */
export const DOCUMENT_EVENTS = graphql`
  subscription DocumentEvents($customerId: ID) {
    documentEvents(customerId: $customerId) {
      event
      documentId
      customerId
      versionId
    }
  }
`;
