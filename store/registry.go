package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"gorm.io/gorm"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// RegistryKinds maps each kind of registry record (the object names of SERVICES.md's
// registry) to the field that keys it. Driving licence numbers are ID numbers; a vehicle's
// carrier permit is filed under the vehicle's plate.
var RegistryKinds = map[string]string{
	"person":              "id_number",
	"driver":              "licence_number",
	"vehicle":             "plate_number",
	"carrier":             "plate_number",
	"escort":              "id_number",
	"id_card_application": "id_number",
	"residence_permit":    "id_number",
	"residence_evidence":  "id_number",
	"criminal_record":     "id_number",
	"exit_entry":          "id_number",
}

// Registry keeps the bureau's records, sealed at rest.
type Registry struct {
	db     *DB
	sealer *Sealer
}

// NewRegistry returns a Registry on db that seals records with sealer.
func NewRegistry(db *DB, sealer *Sealer) *Registry { return &Registry{db: db, sealer: sealer} }

type registryRow struct {
	Kind    string
	KeyHash []byte
	Data    []byte
}

func (r *Registry) hash(kind, key string) []byte { return r.sealer.Hash("registry/"+kind, key) }

func aad(kind string, keyHash []byte) []byte { return append([]byte(kind+"\x00"), keyHash...) }

// Lookup returns the record of a kind under a key (an ID number or a plate), as JSON, or
// ENOTFOUND.
func (r *Registry) Lookup(ctx context.Context, kind, key string) (json.RawMessage, error) {
	h := r.hash(kind, key)
	var row registryRow
	err := r.db.gorm.WithContext(ctx).Table("registry_records").
		Where("kind = ? AND key_hash = ?", kind, h).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, kiosk.Errorf(kiosk.ENOTFOUND, "没有该记录。")
	} else if err != nil {
		return nil, fmt.Errorf("store: registry %s: %w", kind, err)
	}
	pt, err := r.sealer.Open(row.Data, aad(kind, h))
	if err != nil {
		return nil, fmt.Errorf("store: registry %s: %w", kind, err)
	}
	return pt, nil
}

// Put stores or replaces one record after validating it (see ValidateRecord).
func (r *Registry) Put(ctx context.Context, kind string, record json.RawMessage) error {
	key, err := ValidateRecord(kind, record, ident.Today(r.db.Now()))
	if err != nil {
		return err
	}
	return r.put(r.db.gorm.WithContext(ctx), kind, key, record)
}

func (r *Registry) put(tx *gorm.DB, kind, key string, record json.RawMessage) error {
	var compact bytes.Buffer
	if err := json.Compact(&compact, record); err != nil {
		return kiosk.Errorf(kiosk.EINVALID, "记录不是有效的 JSON。")
	}
	h := r.hash(kind, key)
	return tx.Exec(`INSERT INTO registry_records (kind, key_hash, data, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind, key_hash) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		kind, h, r.sealer.Seal(compact.Bytes(), aad(kind, h)), r.db.now()).Error
}

// ValidateRecord checks one record of a kind: a JSON object whose key field is present and
// well-formed (a valid ID number, or a plate). It returns the key.
func ValidateRecord(kind string, record json.RawMessage, today ident.Date) (string, error) {
	field, ok := RegistryKinds[kind]
	if !ok {
		return "", kiosk.Errorf(kiosk.EINVALID, "未知的记录类型 %q。", kind)
	}
	var obj map[string]any
	if err := json.Unmarshal(record, &obj); err != nil || obj == nil {
		return "", kiosk.Errorf(kiosk.EINVALID, "记录必须是 JSON 对象。")
	}
	key, _ := obj[field].(string)
	if key == "" {
		return "", kiosk.Errorf(kiosk.EINVALID, "%s: 缺少或不是字符串。", field)
	}
	if field == "plate_number" {
		if _, err := ident.ParsePlate(key); err != nil {
			return "", kiosk.Errorf(kiosk.EINVALID, "%s: 号牌号码无效（%v）。", field, sentinel(err))
		}
	} else if _, err := ident.ParseIDNumber(key, today); err != nil {
		return "", kiosk.Errorf(kiosk.EINVALID, "%s: 身份证号码无效（%v）。", field, sentinel(err))
	}
	return key, nil
}

// sentinel returns the innermost wrapped error: ident's sentinel errors say what is wrong
// without repeating the value, which is personal data and must not reach a report or a log.
func sentinel(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// ImportReport says what an import did: records stored per kind, and one line per record
// refused, naming it by kind and position (never by its personal data).
type ImportReport struct {
	Imported map[string]int
	Errors   []string
}

// Import reads a JSON object of arrays keyed by kind ({"person": [...], "driver": [...]}) and
// stores every valid record, all in one transaction: a file with refused records still
// imports the others, and a crash leaves the registry as it was.
func (r *Registry) Import(ctx context.Context, rd io.Reader) (ImportReport, error) {
	rep := ImportReport{Imported: map[string]int{}}
	var file map[string][]json.RawMessage
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&file); err != nil {
		return rep, kiosk.Errorf(kiosk.EINVALID, "导入文件格式不正确：%v", err)
	}
	kinds := make([]string, 0, len(file))
	for k := range file {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	today := ident.Today(r.db.Now())
	err := r.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, kind := range kinds {
			if _, ok := RegistryKinds[kind]; !ok {
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: unknown kind (%d records skipped)", kind, len(file[kind])))
				continue
			}
			for i, rec := range file[kind] {
				key, err := ValidateRecord(kind, rec, today)
				if err != nil {
					rep.Errors = append(rep.Errors, fmt.Sprintf("%s[%d]: %s", kind, i, kiosk.ErrorMessage(err)))
					continue
				}
				if err := r.put(tx, kind, key, rec); err != nil {
					return err
				}
				rep.Imported[kind]++
			}
		}
		return nil
	})
	if err != nil {
		return ImportReport{Imported: map[string]int{}}, fmt.Errorf("store: registry import: %w", err)
	}
	return rep, nil
}
