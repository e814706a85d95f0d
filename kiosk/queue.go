package kiosk

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// QueueStore holds what the staff queue needs beyond CaseStore.
type QueueStore interface {
	// RenewLease extends the lease of c, which must still be claimed by c.Holder, to until,
	// and updates c (LeaseUntil, Version). The version grows so that a lease expiry racing
	// with the renewal loses. ECONFLICT if the case is no longer held by c.Holder.
	RenewLease(ctx context.Context, c *Case, until time.Time) error
	// Waiting returns, for every case in the queue (escalated or claimed), when it was
	// escalated and the last overdue level recorded for it.
	Waiting(ctx context.Context) ([]Waiting, error)
	// RecordOverdue records that an escalated case reached an overdue level and appends the
	// overdue event (escalated → escalated) to its trail, once across all replicas: only the
	// caller that recorded it gets ok and the event.
	RecordOverdue(ctx context.Context, caseID string, level int) (Event, bool, error)
}

// Waiting is how long a queued case has waited.
type Waiting struct {
	CaseID string
	Since  time.Time // the escalation; a release does not restart the citizen's wait
	Level  int       // overdue alerts sent so far
}

// ReasonOverdue starts the reason of an overdue event: "overdue:2" is the second alert.
const ReasonOverdue = "overdue"

// Desk is the counter staff's side of the service: the queue of escalated cases, claims as
// leases, staff decisions, reassignment and the overdue alerts. Every step is a case event
// (through Service.transition, so it reaches the Feed) and an audit entry.
type Desk struct {
	Service *Service
	Queue   QueueStore
	Staff   StaffStore
	Audit   AuditLog
	// Lease is how long a claim lasts without renewal: a console renews while it is open,
	// so a case returns to the queue about Lease after its console went away.
	Lease time.Duration
	// DueAfter is how long an escalated case may wait unclaimed before consoles are notified
	// again and supervisors alerted; the alert repeats every DueAfter.
	DueAfter time.Duration
	Logger   *slog.Logger
}

// QueueItem is one case in the staff queue, without personal data.
type QueueItem struct {
	Case    *Case
	Holder  Staff // zero unless claimed
	Since   time.Time
	DueAt   time.Time
	Overdue int // overdue alerts sent
}

// List returns the queue: escalated and claimed cases, longest waiting first.
func (d *Desk) List(ctx context.Context) ([]QueueItem, error) {
	waiting, err := d.Queue.Waiting(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]Waiting{}
	for _, w := range waiting {
		byID[w.CaseID] = w
	}
	var items []QueueItem
	names := map[string]Staff{}
	for _, st := range []State{StateEscalated, StateClaimed} {
		cases, err := d.Service.Cases.CasesInState(ctx, st, 1000)
		if err != nil {
			return nil, err
		}
		for _, c := range cases {
			w, ok := byID[c.ID]
			if !ok {
				w = Waiting{CaseID: c.ID, Since: c.UpdatedAt}
			}
			it := QueueItem{Case: c, Since: w.Since, Overdue: w.Level, DueAt: w.Since.Add(d.DueAfter * time.Duration(w.Level+1))}
			if c.Holder != "" {
				if _, ok := names[c.Holder]; !ok {
					names[c.Holder], _ = d.Staff.FindStaff(ctx, c.Holder)
				}
				it.Holder = names[c.Holder]
			}
			items = append(items, it)
		}
	}
	slices.SortStableFunc(items, func(a, b QueueItem) int { return a.Since.Compare(b.Since) })
	return items, nil
}

// View returns a case with its personal data for a staff member, and audits the view.
func (d *Desk) View(ctx context.Context, id string, st Staff) (*Case, error) {
	c, err := d.Service.Cases.FindCase(ctx, id)
	d.audit(ctx, st.Actor(), AuditView, id, "", err)
	return c, err
}

// Image returns a captured image of a case for a staff member, and audits the view.
func (d *Desk) Image(ctx context.Context, id string, kind DocKind, st Staff) ([]byte, error) {
	if !kind.Valid() {
		return nil, Errorf(EINVALID, "未知的证件类型。")
	}
	img, err := d.Service.Cases.Image(ctx, id, kind)
	d.audit(ctx, st.Actor(), AuditViewImage, id, string(kind), err)
	return img, err
}

// Claim gives an escalated case to a staff member under a lease. Of several clerks (on any
// replica) claiming at once exactly one wins: the claim is one conditional update on the
// state and version they read. The others get ECONFLICT naming the holder. Claiming a case
// one already holds renews the lease.
func (d *Desk) Claim(ctx context.Context, id string, st Staff) (*Case, error) {
	c, err := d.claim(ctx, id, st, st.Actor(), "claim")
	d.audit(ctx, st.Actor(), AuditClaim, id, "", err)
	return c, err
}

func (d *Desk) claim(ctx context.Context, id string, st Staff, actor, reason string) (*Case, error) {
	c, err := d.Service.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State == StateClaimed && c.Holder == st.ID {
		return c, d.Queue.RenewLease(ctx, c, d.Service.Now().Add(d.Lease))
	}
	if c.State != StateEscalated {
		return nil, d.notClaimable(ctx, c)
	}
	c.Holder, c.LeaseUntil = st.ID, d.Service.Now().Add(d.Lease)
	if err := d.Service.transition(ctx, c, StateClaimed, actor, reason); err != nil {
		if ErrorCode(err) == ECONFLICT {
			if now, ferr := d.Service.Cases.FindCase(ctx, id); ferr == nil {
				return nil, d.notClaimable(ctx, now)
			}
		}
		return nil, err
	}
	return c, nil
}

// notClaimable explains why c cannot be claimed: who holds it, or that it left the queue.
func (d *Desk) notClaimable(ctx context.Context, c *Case) error {
	if c.State == StateClaimed {
		holder, err := d.Staff.FindStaff(ctx, c.Holder)
		if err != nil {
			return Errorf(ECONFLICT, "该业务已由其他工作人员受理。")
		}
		return Errorf(ECONFLICT, "该业务已由 %s 受理。", holder.Name)
	}
	return Errorf(ECONFLICT, "该业务已不在待办队列中（当前状态：%s）。", c.State)
}

// Renew extends the lease on a case the staff member holds; consoles call it while open.
func (d *Desk) Renew(ctx context.Context, id string, st Staff) (*Case, error) {
	c, err := d.held(ctx, id, st)
	if err != nil {
		return nil, err
	}
	return c, d.Queue.RenewLease(ctx, c, d.Service.Now().Add(d.Lease))
}

// Release returns a case the staff member holds to the queue.
func (d *Desk) Release(ctx context.Context, id string, st Staff) (*Case, error) {
	c, err := d.release(ctx, id, st, st.Actor(), "released")
	d.audit(ctx, st.Actor(), AuditRelease, id, "", err)
	return c, err
}

func (d *Desk) release(ctx context.Context, id string, holder Staff, actor, reason string) (*Case, error) {
	c, err := d.held(ctx, id, holder)
	if err != nil {
		return nil, err
	}
	c.Holder, c.LeaseUntil = "", time.Time{}
	if err := d.Service.transition(ctx, c, StateEscalated, actor, reason); err != nil {
		return nil, err
	}
	return c, nil
}

// held returns a case that st holds, or ECONFLICT (ENOTFOUND for no such case).
func (d *Desk) held(ctx context.Context, id string, st Staff) (*Case, error) {
	c, err := d.Service.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State != StateClaimed || c.Holder != st.ID {
		if c.State == StateClaimed {
			return nil, d.notClaimable(ctx, c)
		}
		return nil, Errorf(ECONFLICT, "请先受理该业务。")
	}
	return c, nil
}

// ExpireLeases returns claimed cases whose lease lapsed before now to the queue, and
// returns how many it moved. Every replica runs it; the conditional transition lets one win.
func (d *Desk) ExpireLeases(ctx context.Context, now time.Time) (int, error) {
	claimed, err := d.Service.Cases.CasesInState(ctx, StateClaimed, 1000)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range claimed {
		if !c.LeaseUntil.Before(now) {
			continue
		}
		holder := c.Holder
		c.Holder, c.LeaseUntil = "", time.Time{}
		err := d.Service.transition(ctx, c, StateEscalated, "system", "lease_expired")
		if ErrorCode(err) == ECONFLICT {
			continue // renewed, decided or expired by another replica meanwhile
		} else if err != nil {
			return n, err
		}
		d.audit(ctx, "system", AuditLeaseExpiry, c.ID, "holder:"+holder, nil)
		n++
	}
	return n, nil
}

// AlertOverdue notifies consoles again about escalated cases nobody claimed within
// DueAfter (and every DueAfter since), as overdue events that supervisors' consoles show as
// alerts. It returns the events it recorded.
func (d *Desk) AlertOverdue(ctx context.Context, now time.Time) ([]Event, error) {
	if d.DueAfter <= 0 {
		return nil, nil
	}
	waiting, err := d.Queue.Waiting(ctx)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, w := range waiting {
		level := int(now.Sub(w.Since) / d.DueAfter)
		if level <= w.Level {
			continue
		}
		ev, ok, err := d.Queue.RecordOverdue(ctx, w.CaseID, level)
		if err != nil {
			return out, err
		}
		if ok {
			d.Service.Feed.Publish(ev)
			d.Logger.WarnContext(ctx, "escalated case waiting unclaimed", "case_id", w.CaseID, "level", level,
				"waiting_s", int(now.Sub(w.Since).Seconds()))
			out = append(out, ev)
		}
	}
	return out, nil
}

// validReasonCode is a staff decision's reason: an upper-case code like the rule sets' own.
var validReasonCode = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,39}$`)

// Decide records a staff member's decision on a case they hold: approved cases are issued
// as automatic approvals are; rejected ones carry the reason code and the message the
// citizen sees. The automatic decision, its reasons and trace stay; the staff reason is
// appended and the note STAFF_DECISION marks that a person decided.
func (d *Desk) Decide(ctx context.Context, id string, st Staff, outcome rules.Outcome, reasonCode, message string) (*Case, error) {
	c, err := d.decide(ctx, id, st, outcome, reasonCode, message)
	d.audit(ctx, st.Actor(), AuditDecide, id, string(outcome)+":"+reasonCode, err)
	return c, err
}

func (d *Desk) decide(ctx context.Context, id string, st Staff, outcome rules.Outcome, reasonCode, message string) (*Case, error) {
	to := map[rules.Outcome]State{rules.Approved: StateApproved, rules.Rejected: StateRejected}[outcome]
	if to == "" {
		return nil, Errorf(EINVALID, "处理结果须为 approved（通过）或 rejected（不予办理）。")
	}
	if !validReasonCode.MatchString(reasonCode) {
		return nil, Errorf(EINVALID, "请选择处理理由（理由代码为大写字母、数字和下划线）。")
	}
	if n := len([]rune(message)); outcome == rules.Rejected && n == 0 || n > 300 {
		return nil, Errorf(EINVALID, "不予办理须附给申请人的说明（1 到 300 字）。")
	}
	c, err := d.held(ctx, id, st)
	if err != nil {
		return nil, err
	}
	dec := rules.Decision{Matter: c.Matter, Reasons: []rules.Reason{}, Notes: []string{}, Trace: []rules.Step{}}
	if c.Decision != nil {
		dec = *c.Decision
		dec.Reasons, dec.Notes = slices.Clone(dec.Reasons), slices.Clone(dec.Notes)
	}
	dec.Outcome = outcome
	dec.Reasons = append(dec.Reasons, rules.Reason{Code: reasonCode, Outcome: outcome, Message: message, Basis: "人工审核 " + st.Actor()})
	dec.Notes = append(dec.Notes, "STAFF_DECISION")
	if outcome == rules.Approved && dec.Issue == nil {
		// An escalated decision issues nothing; the clerk's approval issues the matter's
		// output under a slip the counter completes.
		dec.Issue = map[string]any{"record": c.Matter, "decided_by": "staff"}
	}
	c.Decision = &dec
	c.Holder, c.LeaseUntil = "", time.Time{}
	if err := d.Service.transition(ctx, c, to, st.Actor(), reasonCode); err != nil {
		return nil, err
	}
	if to == StateApproved {
		if err := d.Service.issue(ctx, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Reassign gives a queued case to another staff member on a supervisor's word: a claimed
// case is released from its holder first. EFORBIDDEN unless by is a supervisor or admin.
func (d *Desk) Reassign(ctx context.Context, id string, by Staff, toID string) (*Case, error) {
	c, err := d.reassign(ctx, id, by, toID)
	d.audit(ctx, by.Actor(), AuditReassign, id, "to:"+toID, err)
	return c, err
}

func (d *Desk) reassign(ctx context.Context, id string, by Staff, toID string) (*Case, error) {
	if !by.Can(RoleSupervisor) {
		return nil, Errorf(EFORBIDDEN, "只有值班长可以改派业务。")
	}
	to, err := d.Staff.FindStaff(ctx, toID)
	if err != nil || !to.Active() {
		return nil, Errorf(EINVALID, "改派对象不存在或已停用。")
	}
	c, err := d.Service.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State == StateClaimed && c.Holder == to.ID {
		return c, nil
	}
	if c.State == StateClaimed {
		if _, err := d.release(ctx, id, Staff{ID: c.Holder}, by.Actor(), "reassign"); err != nil {
			return nil, err
		}
	}
	return d.claim(ctx, id, to, by.Actor(), "assigned:"+to.ID)
}

func (d *Desk) audit(ctx context.Context, actor, action, caseID, detail string, err error) {
	recordAudit(ctx, d.Audit, d.Logger, d.Service.Now(), AuditEntry{Actor: actor, Action: action, CaseID: caseID, Detail: detail}, err)
}
