package content

// The limits on what an operator writes and what a post holds, each written
// once. The server (migrations, validation), the eval CLI and the test
// profiles use these constants; the web app reads the ones it checks from
// web/src/lib/limits.gen.ts, which `make generate` writes from them (see
// eval/cmd/weblimits). A new limit goes here, and into weblimits when the
// web app checks it before sending.
//
// Text lengths count characters (runes), as PocketBase's TextField.Max does.

// A generation request.
const (
	// MaxBriefRunes bounds the operator's brief.
	MaxBriefRunes = 2000
	// MinPostsPerRequest and MaxPostsPerRequest bound one generation: more
	// posts about one brief start to repeat each other.
	MinPostsPerRequest = 1
	MaxPostsPerRequest = 3
)

// The photos of a request (and of a post).
const (
	// MaxPhotos bounds the photos of one request: a carousel's worth, and
	// what one prompt can carry without crowding out the text.
	MaxPhotos = 4
	// MaxPhotoBytes bounds one uploaded photo file.
	MaxPhotoBytes = 10 << 20
	// MaxPhotoPixels bounds a photo's decoded size (a 48-megapixel phone
	// photo fits); the server checks it from the header, before decoding.
	MaxPhotoPixels = 50_000_000
	// PhotoEdge is the long edge, in pixels, of a stored photo: the web
	// app scales to it before uploading, the server re-encodes to it.
	PhotoEdge = 1600
)

// A post.
const (
	MaxHashtags     = 30
	MaxHashtagRunes = 100
)

// A business profile (the `businesses` collection and Business).
const (
	MaxBusinessNameRunes  = 120
	MaxSegmentRunes       = 80
	MaxCityRunes          = 80
	MaxNeighbourhoodRunes = 80
	MaxAudienceRunes      = 500
	MaxVoiceRunes         = 1000
	MaxNotesRunes         = 2000
	// A phone is stored as E.164 digits without the plus; 8 to 15 is all
	// that can be checked of a foreign number.
	MinPhoneDigits       = 8
	MaxPhoneDigits       = 15
	MaxOfferings         = 50
	MaxOfferingNameRunes = 120
	MaxFacts             = 30
	MaxFactRunes         = 300
	// An offering's unit ("cento", "kg", "fatia"): a word or two.
	MaxOfferingUnitRunes = 30
	// Delivery areas: neighbourhoods or towns, each a short name.
	MaxDeliveryAreas     = 30
	MaxDeliveryAreaRunes = 80
	MaxOpeningHoursRunes = 300
	// MaxOwnerNameRunes bounds the owner's name (the approval link greets
	// them by it).
	MaxOwnerNameRunes = 80
)

// A client's approval (the public /aprovar page).
const (
	// MaxApprovalNoteRunes bounds the note a client writes when asking for
	// changes, and the name they may leave.
	MaxApprovalNoteRunes = 1000
	MaxApproverNameRunes = 80
	// MaxPostsPerApproval bounds the posts one approval link covers: a
	// month of posts for one client.
	MaxPostsPerApproval = 40
)

// MaxPostsPerMonth bounds a client's monthly plan size (posts_per_month;
// 0 means no plan).
const MaxPostsPerMonth = 200
