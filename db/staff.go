package db

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgerrcode"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

// StaffStore keeps staff identity in Postgres: accounts, memberships,
// sessions, one-time links, login attempts and the audit log. Identity is
// resolved before any event is known, so all of it runs in platform
// transactions. Make one at startup (NewStaffStore) and share it: it holds
// the policy, and the decoy hash that unknown emails are checked against.
type StaffStore struct {
	db     *DB
	policy staff.Policy
	decoy  func() string
}

// NewStaffStore returns the staff store on db with policy p (zero fields:
// the defaults of staff.DefaultPolicy).
func NewStaffStore(db *DB, p staff.Policy) *StaffStore {
	p = p.WithDefaults()
	return &StaffStore{db: db, policy: p, decoy: sync.OnceValue(func() string {
		h, _ := p.Password.Hash("decoy password for unknown accounts")
		return h
	})}
}

// Policy returns the policy in force, defaults filled in.
func (s *StaffStore) Policy() staff.Policy { return s.policy }

// maxUserAgent bounds what a session keeps of the browser's User-Agent.
const maxUserAgent = 512

func errLoginFailed() error { return marquee.New(marquee.EFORBIDDEN, "staff.login_failed") }

func errLoginThrottled() error {
	return marquee.Wrap(marquee.EFORBIDDEN, "staff.login_rate_limited", staff.ErrLoginThrottled)
}

func errLinkInvalid(err error) error {
	return marquee.Wrap(marquee.ENOTFOUND, "staff.link_invalid", err)
}

func errSessionEnded(err error) error {
	return marquee.Wrap(marquee.ENOTFOUND, "staff.session_expired", err)
}

// CreateStaff adds an account without a password (it gets one by a reset
// link or by accepting an invitation). A taken email is a conflict.
func (s *StaffStore) CreateStaff(ctx context.Context, email, name string, platformAdmin bool) (staff.Staff, error) {
	email, err := staff.NormaliseEmail(email)
	if err != nil {
		return staff.Staff{}, err
	}
	if err := staff.ValidateName(name); err != nil {
		return staff.Staff{}, err
	}
	var out staff.Staff
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffInsert(ctx, dbq.StaffInsertParams{Email: email, Name: strings.TrimSpace(name), PlatformAdmin: platformAdmin})
		if err != nil {
			return err
		}
		out = staffFromRow(row)
		return audit(ctx, q, auditEvent{action: staff.ActionStaffCreated, subject: out.ID, now: s.db.now(),
			detail: map[string]any{"platform_admin": platformAdmin}})
	})
	if err != nil {
		return staff.Staff{}, storeError(err, uniqueViolationIs("staff_email_key", "email", "staff.email_taken"))
	}
	return out, nil
}

// StaffByID returns one account.
func (s *StaffStore) StaffByID(ctx context.Context, id uuid.UUID) (staff.Staff, error) {
	var out staff.Staff
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffGetByID(ctx, id)
		out = staffFromRow(row)
		return err
	})
	return out, notFound(err, msgNotFound)
}

// StaffByEmail returns the account of an email address.
func (s *StaffStore) StaffByEmail(ctx context.Context, email string) (staff.Staff, error) {
	var out staff.Staff
	normalised, err := staff.NormaliseEmail(email)
	if err != nil {
		return out, err
	}
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffGetByEmail(ctx, normalised)
		out = staffFromRow(row)
		return err
	})
	return out, notFound(err, msgNotFound)
}

// SetPassword gives an account a new password and signs it out everywhere:
// every session, this browser's included, is revoked.
func (s *StaffStore) SetPassword(ctx context.Context, staffID uuid.UUID, password, actorIP string) error {
	hash, err := s.newHash(password)
	if err != nil {
		return err
	}
	ip, err := parseIP(actorIP)
	if err != nil {
		return marquee.Internal(err)
	}
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return s.replacePassword(ctx, q, staffID, hash, staff.ActionPasswordChanged, ip, s.db.now())
	})
	return notFound(err, msgNotFound)
}

func (s *StaffStore) newHash(password string) (string, error) {
	if err := staff.ValidatePassword(password); err != nil {
		return "", err
	}
	hash, err := s.policy.Password.Hash(password)
	if err != nil {
		return "", marquee.Internal(err)
	}
	return hash, nil
}

// replacePassword stores hash, revokes every session and every unspent
// reset link of the account, and writes action to the audit log.
func (s *StaffStore) replacePassword(ctx context.Context, q *dbq.Queries, staffID uuid.UUID, hash, action string, ip *netip.Addr, now time.Time) error {
	if _, err := q.StaffSetPassword(ctx, dbq.StaffSetPasswordParams{ID: staffID, PasswordHash: hash}); err != nil {
		return err
	}
	n, err := q.StaffSessionRevokeAll(ctx, dbq.StaffSessionRevokeAllParams{StaffID: staffID, Now: now})
	if err != nil {
		return err
	}
	if err := q.StaffTokenSpendAll(ctx, dbq.StaffTokenSpendAllParams{StaffID: staffID, Purpose: "reset", Now: now}); err != nil {
		return err
	}
	return audit(ctx, q, auditEvent{action: action, subject: staffID, ip: ip, now: now,
		detail: map[string]any{"sessions_revoked": n}})
}

// Login checks an email and password and starts a new session. ip is the
// client's address (behind a load balancer: the one its trusted
// X-Forwarded-For names). Failures count per client address, never per
// account alone, so that knowing an email locks out nobody but the one
// guessing: Login refuses, without looking at the password, while this
// account has MaxFailures failed logins from this address, or the address
// MaxAddressFailures whatever the accounts, within FailureWindow (counted
// in Postgres, so every replica agrees); a correct password from an
// address that has not been failing is always accepted. An unknown email
// and a wrong password fail alike, after the same work. The token returned
// is always fresh: a session is never carried over from before the login.
func (s *StaffStore) Login(ctx context.Context, email, password, ip, userAgent string, now time.Time) (string, staff.Staff, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return "", staff.Staff{}, marquee.Internal(fmt.Errorf("login from %q: %w", ip, err))
	}
	addr = addr.Unmap()
	email = loginEmail(email)
	var token string
	var who staff.Staff
	var refused error
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		// Set on every try: the transaction may run again after a
		// serialization failure.
		token, who, refused = "", staff.Staff{}, nil
		block := staff.ClientBlock(addr)
		if err := q.LoginLock(ctx, "login from "+block.String()); err != nil {
			return err
		}
		if throttled, err := s.throttled(ctx, q, email, block, now); err != nil || throttled {
			refused = errLoginThrottled()
			return err
		}
		row, ok, err := s.checkPassword(ctx, q, email, password)
		if err != nil {
			return err
		}
		if err := q.LoginAttemptInsert(ctx, dbq.LoginAttemptInsertParams{Email: email, Ip: addr, Succeeded: ok, Now: now}); err != nil {
			return err
		}
		if !ok {
			refused = errLoginFailed()
			return nil // commit the failure: it must count
		}
		if err := s.rehashIfStale(ctx, q, row, password); err != nil {
			return err
		}
		who = staffFromRow(row)
		token, err = s.startSession(ctx, q, who.ID, &addr, userAgent, now, "password")
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return "", staff.Staff{}, err
	}
	return token, who, nil
}

// loginEmail normalises what was typed without judging it: an address that
// is no account still counts against its own failures.
func loginEmail(email string) string {
	e := strings.ToLower(strings.TrimSpace(email))
	if len(e) > 254 {
		e = e[:254]
	}
	return e
}

// throttled reports whether the client's address block has used up its
// failures for this account, or its failures overall. A successful login
// clears its account's count from that block but never the block's own:
// one valid account must not let an address guess at the others.
func (s *StaffStore) throttled(ctx context.Context, q *dbq.Queries, email string, block netip.Prefix, now time.Time) (bool, error) {
	since := now.Add(-s.policy.FailureWindow)
	n, err := q.LoginFailuresByPair(ctx, dbq.LoginFailuresByPairParams{Email: email, Block: block, Since: since})
	if err != nil || n >= int64(s.policy.MaxFailures) {
		return err == nil, err
	}
	n, err = q.LoginFailuresByBlock(ctx, dbq.LoginFailuresByBlockParams{Block: block, Since: since})
	return err == nil && n >= int64(s.policy.MaxAddressFailures), err
}

// checkPassword compares password with the account's hash, or with the
// decoy hash when there is no such account or it has no password yet, so
// that every failure costs the same time.
func (s *StaffStore) checkPassword(ctx context.Context, q *dbq.Queries, email, password string) (dbq.Staff, bool, error) {
	row, err := q.StaffGetByEmail(ctx, email)
	if err != nil && !isNoRow(err) {
		return row, false, err
	}
	found := err == nil && row.PasswordHash != nil
	hash := s.decoy()
	if found {
		hash = *row.PasswordHash
	}
	ok := staff.CheckPassword(hash, password)
	return row, ok && found, nil
}

// rehashIfStale stores a hash at the policy's cost when the account's was
// made at another, which is how raising the cost reaches existing accounts.
func (s *StaffStore) rehashIfStale(ctx context.Context, q *dbq.Queries, row dbq.Staff, password string) error {
	if row.PasswordHash == nil || !staff.NeedsRehash(*row.PasswordHash, s.policy.Password) {
		return nil
	}
	hash, err := s.policy.Password.Hash(password)
	if err != nil {
		return err
	}
	_, err = q.StaffSetPassword(ctx, dbq.StaffSetPasswordParams{ID: row.ID, PasswordHash: hash})
	return err
}

// startSession stores a new session under a fresh token and audits the
// login; method says how the person proved who they are.
func (s *StaffStore) startSession(ctx context.Context, q *dbq.Queries, staffID uuid.UUID, ip *netip.Addr, userAgent string, now time.Time, method string) (string, error) {
	plain, hash := staff.NewToken()
	if len(userAgent) > maxUserAgent {
		userAgent = strings.ToValidUTF8(userAgent[:maxUserAgent], "")
	}
	sess, err := q.StaffSessionInsert(ctx, dbq.StaffSessionInsertParams{
		TokenHash: hash, StaffID: staffID, Now: now, ExpiresAt: now.Add(s.policy.AbsoluteTimeout),
		UserAgent: userAgent, Ip: ip,
	})
	if err != nil {
		return "", err
	}
	return plain, audit(ctx, q, auditEvent{action: staff.ActionLogin, actor: known(staffID), subject: staffID, ip: ip, now: now,
		detail: map[string]any{"method": method, "session": sess.ID.String()}})
}

// Session resolves a browser's token to its staff member and session at
// now. Unknown, revoked, idle (unused for longer than IdleTimeout) and
// expired (older than AbsoluteTimeout) sessions are ENOTFOUND; a session
// found timed out is revoked then, so that no replica with a slower clock
// can revive it. A live one records the activity, at most once per
// staff.TouchInterval.
func (s *StaffStore) Session(ctx context.Context, plainToken string, now time.Time) (staff.Staff, staff.Session, error) {
	hash := staff.HashToken(plainToken)
	if hash == nil {
		return staff.Staff{}, staff.Session{}, errSessionEnded(nil)
	}
	var who staff.Staff
	var sess staff.Session
	var ended bool
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffSessionGetByTokenHash(ctx, hash)
		if err != nil {
			return err
		}
		who, sess = staffFromRow(row.Staff), sessionFromRow(row.StaffSession)
		if ended = !s.policy.SessionLive(sess, now); ended {
			_, err := q.StaffSessionRevoke(ctx, dbq.StaffSessionRevokeParams{TokenHash: hash, Now: now})
			return err
		}
		if !s.policy.NeedsTouch(sess, now) {
			return nil
		}
		sess.LastSeenAt = now
		return q.StaffSessionTouch(ctx, dbq.StaffSessionTouchParams{ID: sess.ID, Now: now})
	})
	if isNoRow(err) || (err == nil && ended) {
		return staff.Staff{}, staff.Session{}, errSessionEnded(err)
	}
	if err != nil {
		return staff.Staff{}, staff.Session{}, err
	}
	return who, sess, nil
}

// Logout revokes a session on the server, so the token is worthless even
// if the browser keeps it. Logging out of an unknown or ended session does
// nothing.
func (s *StaffStore) Logout(ctx context.Context, plainToken string) error {
	hash := staff.HashToken(plainToken)
	if hash == nil {
		return nil
	}
	return s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		now := s.db.now()
		sess, err := q.StaffSessionRevoke(ctx, dbq.StaffSessionRevokeParams{TokenHash: hash, Now: now})
		if isNoRow(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return audit(ctx, q, auditEvent{action: staff.ActionLogout, actor: known(sess.StaffID), subject: sess.StaffID, now: now,
			detail: map[string]any{"session": sess.ID.String()}})
	})
}

// Memberships lists a staff member's roles, one per event.
func (s *StaffStore) Memberships(ctx context.Context, staffID uuid.UUID) ([]staff.Membership, error) {
	var out []staff.Membership
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.MembershipList(ctx, staffID)
		for _, r := range rows {
			out = append(out, staff.Membership{TenantID: r.TenantID, Role: staff.Role(r.Role)})
		}
		return err
	})
	return out, err
}

// SetRole gives a staff member a role in an event (a membership if they
// had none) and audits the change with the old and new role. Whether the
// actor may do so is the caller's to decide.
func (s *StaffStore) SetRole(ctx context.Context, actorID, tenantID, staffID uuid.UUID, role staff.Role) error {
	if !role.Valid() {
		return marquee.Invalid("role", "staff.role_unknown")
	}
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return setRole(ctx, q, actorID, tenantID, staffID, role, s.db.now())
	})
	return foreignKeyNotFound(err)
}

func setRole(ctx context.Context, q *dbq.Queries, actorID, tenantID, staffID uuid.UUID, role staff.Role, now time.Time) error {
	old, err := q.MembershipGetForUpdate(ctx, dbq.MembershipGetForUpdateParams{TenantID: tenantID, StaffID: staffID})
	if err != nil && !isNoRow(err) {
		return err
	}
	if old.Role == string(role) {
		return nil
	}
	if err := q.MembershipUpsert(ctx, dbq.MembershipUpsertParams{TenantID: tenantID, StaffID: staffID, Role: string(role)}); err != nil {
		return err
	}
	return audit(ctx, q, auditEvent{tenantID: tenantID, action: staff.ActionRoleChanged, actor: known(actorID), subject: staffID, now: now,
		detail: map[string]any{"old": old.Role, "new": string(role)}})
}

// Invite creates a one-time link (valid for InviteTTL) that gives email the
// role in an event, creating the account if there is none. actorID is who
// invites (invalid: the platform itself, e.g. the CLI).
func (s *StaffStore) Invite(ctx context.Context, actorID uuid.NullUUID, email string, tenantID uuid.UUID, role staff.Role, now time.Time) (string, error) {
	email, err := staff.NormaliseEmail(email)
	if err != nil {
		return "", err
	}
	if !role.Valid() {
		return "", marquee.Invalid("role", "staff.role_unknown")
	}
	plain, hash := staff.NewToken()
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffEnsure(ctx, email)
		if err != nil {
			return err
		}
		r := string(role)
		err = q.StaffTokenInsert(ctx, dbq.StaffTokenInsertParams{
			TokenHash: hash, Purpose: "invite", StaffID: row.ID, TenantID: uuid.NullUUID{UUID: tenantID, Valid: true},
			Role: &r, ExpiresAt: now.Add(s.policy.InviteTTL), Now: now,
		})
		if err != nil {
			return err
		}
		return audit(ctx, q, auditEvent{tenantID: tenantID, action: staff.ActionInvited, actor: actorID, subject: row.ID, now: now,
			detail: map[string]any{"email": email, "role": r}})
	})
	if err != nil {
		return "", foreignKeyNotFound(err)
	}
	return plain, nil
}

// AcceptInvite spends an invitation and grants its role. A new account
// takes name and password here; an account that already has a password
// keeps its name and password (name and password are then ignored), since
// the link only adds an event to it. A spent or expired link is refused.
func (s *StaffStore) AcceptInvite(ctx context.Context, plainToken, name, password string, now time.Time) (staff.Staff, error) {
	var out staff.Staff
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		tok, err := useToken(ctx, q, plainToken, "invite", now)
		if err != nil {
			return err
		}
		row, err := q.StaffGetByID(ctx, tok.StaffID)
		if err != nil {
			return err
		}
		if row.PasswordHash == nil {
			// An error here rolls back, so the link is not spent.
			if row, err = s.completeAccount(ctx, q, row.ID, name, password); err != nil {
				return err
			}
		}
		out = staffFromRow(row)
		if err := setRole(ctx, q, row.ID, tok.TenantID.UUID, row.ID, staff.Role(*tok.Role), now); err != nil {
			return err
		}
		return audit(ctx, q, auditEvent{tenantID: tok.TenantID.UUID, action: staff.ActionInviteAccepted, actor: known(row.ID), subject: row.ID, now: now,
			detail: map[string]any{"role": *tok.Role}})
	})
	return out, err
}

// completeAccount gives an invited account its name and first password.
func (s *StaffStore) completeAccount(ctx context.Context, q *dbq.Queries, id uuid.UUID, name, password string) (dbq.Staff, error) {
	if err := staff.ValidateName(name); err != nil {
		return dbq.Staff{}, err
	}
	hash, err := s.newHash(password)
	if err != nil {
		return dbq.Staff{}, err
	}
	if _, err := q.StaffSetName(ctx, dbq.StaffSetNameParams{ID: id, Name: strings.TrimSpace(name)}); err != nil {
		return dbq.Staff{}, err
	}
	return q.StaffSetPassword(ctx, dbq.StaffSetPasswordParams{ID: id, PasswordHash: hash})
}

// RequestReset creates a one-time password-reset link (valid for
// ResetTTL) for the account of email, spending any older one. An unknown
// email returns "" and no error, so the form cannot tell who has an
// account; the caller mails the link only when there is one.
func (s *StaffStore) RequestReset(ctx context.Context, email string, now time.Time) (string, error) {
	plain, hash := staff.NewToken()
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffGetByEmail(ctx, loginEmail(email))
		if isNoRow(err) {
			plain = ""
			return nil
		}
		if err != nil {
			return err
		}
		if err := q.StaffTokenSpendAll(ctx, dbq.StaffTokenSpendAllParams{StaffID: row.ID, Purpose: "reset", Now: now}); err != nil {
			return err
		}
		return q.StaffTokenInsert(ctx, dbq.StaffTokenInsertParams{
			TokenHash: hash, Purpose: "reset", StaffID: row.ID, ExpiresAt: now.Add(s.policy.ResetTTL), Now: now,
		})
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}

// ResetPassword spends a reset link and sets the new password, signing the
// account out everywhere as SetPassword does. A password the rules refuse
// leaves the link unspent.
func (s *StaffStore) ResetPassword(ctx context.Context, plainToken, password string, now time.Time) error {
	hash, err := s.newHash(password)
	if err != nil {
		return err
	}
	return s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		tok, err := useToken(ctx, q, plainToken, "reset", now)
		if err != nil {
			return err
		}
		return s.replacePassword(ctx, q, tok.StaffID, hash, staff.ActionPasswordReset, nil, now)
	})
}

// LoginLink creates a one-time link that signs a staff member in without a
// password, valid for ttl (zero: ResetTTL). `marquee dev` prints one; it is
// audited like any way in.
func (s *StaffStore) LoginLink(ctx context.Context, staffID uuid.UUID, now time.Time, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		ttl = s.policy.ResetTTL
	}
	plain, hash := staff.NewToken()
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		err := q.StaffTokenInsert(ctx, dbq.StaffTokenInsertParams{
			TokenHash: hash, Purpose: "login", StaffID: staffID, ExpiresAt: now.Add(ttl), Now: now,
		})
		if err != nil {
			return err
		}
		return audit(ctx, q, auditEvent{action: staff.ActionLoginLinkCreated, subject: staffID, now: now,
			detail: map[string]any{"expires_at": now.Add(ttl).UTC().Format(time.RFC3339)}})
	})
	if err != nil {
		return "", foreignKeyNotFound(err)
	}
	return plain, nil
}

// UseLoginLink spends a login link and starts a new session, as Login does
// after a good password.
func (s *StaffStore) UseLoginLink(ctx context.Context, plainToken, ip, userAgent string, now time.Time) (string, staff.Staff, error) {
	addr, err := parseIP(ip)
	if err != nil {
		return "", staff.Staff{}, marquee.Internal(err)
	}
	var token string
	var who staff.Staff
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		tok, err := useToken(ctx, q, plainToken, "login", now)
		if err != nil {
			return err
		}
		row, err := q.StaffGetByID(ctx, tok.StaffID)
		if err != nil {
			return err
		}
		who = staffFromRow(row)
		token, err = s.startSession(ctx, q, who.ID, addr, userAgent, now, "link")
		return err
	})
	if err != nil {
		return "", staff.Staff{}, err
	}
	return token, who, nil
}

// useToken spends a one-time link of purpose; anything else (unknown,
// spent, expired, another purpose) is staff.link_invalid.
func useToken(ctx context.Context, q *dbq.Queries, plainToken, purpose string, now time.Time) (dbq.StaffToken, error) {
	hash := staff.HashToken(plainToken)
	if hash == nil {
		return dbq.StaffToken{}, errLinkInvalid(nil)
	}
	tok, err := q.StaffTokenUse(ctx, dbq.StaffTokenUseParams{TokenHash: hash, Purpose: purpose, Now: now})
	return tok, storeError(err, noRowIs(marquee.New(marquee.ENOTFOUND, "staff.link_invalid")))
}

// AuditLog returns up to limit entries (default 100, at most 1000), newest
// first: one event's, read in that event's transaction so row-level
// security confines it, or, with a nil tenantID, everyone's.
func (s *StaffStore) AuditLog(ctx context.Context, tenantID *uuid.UUID, limit int) ([]staff.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	var out []staff.AuditEntry
	read := func(q *dbq.Queries) error {
		p := dbq.AuditListParams{MaxRows: int32(limit)}
		if tenantID != nil {
			p.TenantID = uuid.NullUUID{UUID: *tenantID, Valid: true}
		}
		rows, err := q.AuditList(ctx, p)
		for _, r := range rows {
			e, err := auditEntryFromRow(r)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return err
	}
	if tenantID != nil {
		return out, s.db.inTenantQ(ctx, *tenantID, read)
	}
	return out, s.db.inPlatformQ(ctx, read)
}

// auditEvent is one audit entry to write. tenantID uuid.Nil is a platform
// entry; an invalid actor is the system or an anonymous caller.
type auditEvent struct {
	tenantID uuid.UUID
	actor    uuid.NullUUID
	action   string
	subject  uuid.UUID
	detail   map[string]any
	ip       *netip.Addr
	now      time.Time
}

func audit(ctx context.Context, q *dbq.Queries, e auditEvent) error {
	detail := []byte("{}")
	if e.detail != nil {
		var err error
		if detail, err = json.Marshal(e.detail); err != nil {
			return fmt.Errorf("audit %s detail: %w", e.action, err)
		}
	}
	return q.AuditInsert(ctx, dbq.AuditInsertParams{
		TenantID: known(e.tenantID), ActorStaffID: e.actor,
		Action: e.action, Subject: staff.Subject(e.subject), Detail: detail, Ip: e.ip, Now: e.now,
	})
}

// known returns id as a NullUUID, invalid when it is uuid.Nil.
func known(id uuid.UUID) uuid.NullUUID { return uuid.NullUUID{UUID: id, Valid: id != uuid.Nil} }

func staffFromRow(r dbq.Staff) staff.Staff {
	return staff.Staff{
		ID: r.ID, Email: r.Email, Name: r.Name, PlatformAdmin: r.PlatformAdmin,
		PasswordSet: r.PasswordHash != nil, CreatedAt: r.CreatedAt,
	}
}

func sessionFromRow(r dbq.StaffSession) staff.Session {
	return staff.Session{ID: r.ID, StaffID: r.StaffID, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt}
}

func auditEntryFromRow(r dbq.AuditLog) (staff.AuditEntry, error) {
	e := staff.AuditEntry{
		ID: r.ID, TenantID: r.TenantID, ActorID: r.ActorStaffID, Action: r.Action, Subject: r.Subject, At: r.At,
	}
	if r.Ip != nil {
		e.IP = r.Ip.String()
	}
	if err := json.Unmarshal(r.Detail, &e.Detail); err != nil {
		return e, fmt.Errorf("audit entry %d detail: %w", r.ID, err)
	}
	return e, nil
}

// parseIP reads an optional IP address: "" is none.
func parseIP(s string) (*netip.Addr, error) {
	if s == "" {
		return nil, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return nil, fmt.Errorf("ip address %q: %w", s, err)
	}
	return &a, nil
}

// foreignKeyNotFound turns a reference to a missing event or account into
// ENOTFOUND.
func foreignKeyNotFound(err error) error {
	return storeError(err, violationIs(pgerrcode.ForeignKeyViolation, "", marquee.New(marquee.ENOTFOUND, msgNotFound)))
}
