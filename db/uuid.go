package db

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// registerUUID teaches a connection's type map google/uuid's UUID and
// NullUUID, which sqlc's queries use for every uuid: written and read as
// their 16 bytes. Without it pgx knows them only as driver.Valuer and
// sql.Scanner, so every uuid parameter went through its string form and
// back (about half of an order's allocations, BenchmarkPlaceOrder) and
// every uuid read was parsed from text. What each value means is
// unchanged: a NullUUID that is not Valid is NULL, and NULL read into a
// UUID leaves it as it was, as uuid.UUID.Scan does.
func registerUUID(m *pgtype.Map) {
	t := &pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}}
	m.RegisterType(t)
	m.RegisterType(&pgtype.Type{Name: "_uuid", OID: pgtype.UUIDArrayOID, Codec: &pgtype.ArrayCodec{ElementType: t}})
}

// uuidCodec is pgx's UUIDCodec with plans of its own for uuid.UUID and
// uuid.NullUUID; every other value goes to pgx's.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	switch value.(type) {
	case uuid.UUID, uuid.NullUUID:
		return encodeUUID{format: format}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	switch target.(type) {
	case *uuid.UUID, *uuid.NullUUID:
		return scanUUID{format: format}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type encodeUUID struct{ format int16 }

func (p encodeUUID) Encode(value any, buf []byte) ([]byte, error) {
	var u uuid.UUID
	switch v := value.(type) {
	case uuid.UUID:
		u = v
	case uuid.NullUUID:
		if !v.Valid {
			return nil, nil // NULL
		}
		u = v.UUID
	default:
		return nil, fmt.Errorf("db: cannot encode %T as a uuid", value)
	}
	if p.format == pgtype.BinaryFormatCode {
		return append(buf, u[:]...), nil
	}
	return append(buf, u.String()...), nil
}

type scanUUID struct{ format int16 }

func (p scanUUID) Scan(src []byte, dst any) error {
	var u uuid.UUID
	if src != nil {
		switch {
		case p.format == pgtype.BinaryFormatCode && len(src) == 16:
			copy(u[:], src)
		case p.format == pgtype.BinaryFormatCode:
			return fmt.Errorf("db: a binary uuid of %d bytes", len(src))
		default:
			var err error
			if u, err = uuid.ParseBytes(src); err != nil {
				return err
			}
		}
	}
	switch d := dst.(type) {
	case *uuid.UUID:
		if src != nil {
			*d = u
		}
	case *uuid.NullUUID:
		*d = uuid.NullUUID{UUID: u, Valid: src != nil}
	default:
		return fmt.Errorf("db: cannot scan a uuid into %T", dst)
	}
	return nil
}
