package db

// EmitWebhook exposes emitWebhook to the tests of package db_test.
var EmitWebhook = emitWebhook
