package webhooks

// The audit log's actions of changes to an endpoint: written by db in the
// change's transaction, with the endpoint's URL as the entry's subject.
const (
	ActionCreated       = "webhook_created"
	ActionUpdated       = "webhook_updated"
	ActionDeleted       = "webhook_deleted"
	ActionSecretRotated = "webhook_secret_rotated"
)
