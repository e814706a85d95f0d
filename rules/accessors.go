package rules

// Rule expressions read some 90 facts, each several times per decision before slots keep it.
// Reading one by walking the Facts type with reflection cost more than the comparison that
// used it, so every fact has an accessor here: a plain function from the facts to the field.
// newSchema still derives names, CEL types and nullable objects from the Facts type, and
// refuses to start if a leaf has no accessor; TestAccessors checks each one reaches the field
// the schema names.

// fieldAt gives, for each leaf of the facts schema, a pointer to its field, or nil when a
// nullable object on the way is null.
var fieldAt = map[string]func(*Facts) any{
	"matter":                                            func(f *Facts) any { return &f.Matter },
	"channel":                                           func(f *Facts) any { return &f.Channel },
	"now":                                               func(f *Facts) any { return &f.Now },
	"applicant.is_agent":                                func(f *Facts) any { return &f.Applicant.IsAgent },
	"request.phone":                                     func(f *Facts) any { return &f.Request.Phone },
	"request.address":                                   func(f *Facts) any { return &f.Request.Address },
	"request.sms_verified":                              func(f *Facts) any { return &f.Request.SMSVerified },
	"request.plate_number":                              func(f *Facts) any { return &f.Request.PlateNumber },
	"request.reason":                                    func(f *Facts) any { return &f.Request.Reason },
	"request.zone":                                      func(f *Facts) any { return &f.Request.Zone },
	"request.valid_from":                                func(f *Facts) any { return &f.Request.ValidFrom },
	"request.valid_until":                               func(f *Facts) any { return &f.Request.ValidUntil },
	"request.date":                                      func(f *Facts) any { return &f.Request.Date },
	"request.time_from":                                 func(f *Facts) any { return &f.Request.TimeFrom },
	"request.time_to":                                   func(f *Facts) any { return &f.Request.TimeTo },
	"request.un_class":                                  func(f *Facts) any { return &f.Request.UNClass },
	"request.cargo_name":                                func(f *Facts) any { return &f.Request.CargoName },
	"request.toxic":                                     func(f *Facts) any { return &f.Request.Toxic },
	"request.route_zones":                               func(f *Facts) any { return &f.Request.RouteZones },
	"request.escort_id_number":                          func(f *Facts) any { return &f.Request.EscortIDNumber },
	"request.purpose":                                   func(f *Facts) any { return &f.Request.Purpose },
	"request.type":                                      func(f *Facts) any { return &f.Request.Type },
	"request.period":                                    func(f *Facts) any { return &f.Request.Period },
	"request.trips":                                     func(f *Facts) any { return &f.Request.Trips },
	"registry.person.id_number":                         in(person, func(o *Person) any { return &o.IDNumber }),
	"registry.person.name":                              in(person, func(o *Person) any { return &o.Name }),
	"registry.person.hukou_region":                      in(person, func(o *Person) any { return &o.HukouRegion }),
	"registry.person.residence_region":                  in(person, func(o *Person) any { return &o.ResidenceRegion }),
	"registry.person.status":                            in(person, func(o *Person) any { return &o.Status }),
	"registry.person.vehicles_owned":                    in(person, func(o *Person) any { return &o.VehiclesOwned }),
	"registry.driver.licence_number":                    in(driver, func(o *Driver) any { return &o.LicenceNumber }),
	"registry.driver.classes":                           in(driver, func(o *Driver) any { return &o.Classes }),
	"registry.driver.status":                            in(driver, func(o *Driver) any { return &o.Status }),
	"registry.driver.first_issue_date":                  in(driver, func(o *Driver) any { return &o.FirstIssueDate }),
	"registry.driver.valid_from":                        in(driver, func(o *Driver) any { return &o.ValidFrom }),
	"registry.driver.valid_until":                       in(driver, func(o *Driver) any { return &o.ValidUntil }),
	"registry.driver.term":                              in(driver, func(o *Driver) any { return &o.Term }),
	"registry.driver.full_score_in_term":                in(driver, func(o *Driver) any { return &o.FullScoreInTerm }),
	"registry.driver.pending_violations":                in(driver, func(o *Driver) any { return &o.PendingViolations }),
	"registry.driver.reissues_12m":                      in(driver, func(o *Driver) any { return &o.Reissues12m }),
	"registry.driver.issuer":                            in(driver, func(o *Driver) any { return &o.Issuer }),
	"registry.driver.medical_cert.issued_on":            in(medicalCert, func(o *MedicalCert) any { return &o.IssuedOn }),
	"registry.driver.medical_cert.result":               in(medicalCert, func(o *MedicalCert) any { return &o.Result }),
	"registry.driver.hazmat_qualification_until":        in(driver, func(o *Driver) any { return &o.HazmatQualificationUntil }),
	"registry.vehicle.plate_number":                     in(vehicle, func(o *Vehicle) any { return &o.PlateNumber }),
	"registry.vehicle.plate_type":                       in(vehicle, func(o *Vehicle) any { return &o.PlateType }),
	"registry.vehicle.vehicle_type":                     in(vehicle, func(o *Vehicle) any { return &o.VehicleType }),
	"registry.vehicle.use_nature":                       in(vehicle, func(o *Vehicle) any { return &o.UseNature }),
	"registry.vehicle.fuel":                             in(vehicle, func(o *Vehicle) any { return &o.Fuel }),
	"registry.vehicle.emission":                         in(vehicle, func(o *Vehicle) any { return &o.Emission }),
	"registry.vehicle.vin":                              in(vehicle, func(o *Vehicle) any { return &o.VIN }),
	"registry.vehicle.owner_id_number":                  in(vehicle, func(o *Vehicle) any { return &o.OwnerIDNumber }),
	"registry.vehicle.owner_kind":                       in(vehicle, func(o *Vehicle) any { return &o.OwnerKind }),
	"registry.vehicle.authorized_driver_ids":            in(vehicle, func(o *Vehicle) any { return &o.AuthorizedDriverIDs }),
	"registry.vehicle.status":                           in(vehicle, func(o *Vehicle) any { return &o.Status }),
	"registry.vehicle.registered_on":                    in(vehicle, func(o *Vehicle) any { return &o.RegisteredOn }),
	"registry.vehicle.inspection_valid_until":           in(vehicle, func(o *Vehicle) any { return &o.InspectionValidUntil }),
	"registry.vehicle.insurance_valid_until":            in(vehicle, func(o *Vehicle) any { return &o.InsuranceValidUntil }),
	"registry.vehicle.scrap_date":                       in(vehicle, func(o *Vehicle) any { return &o.ScrapDate }),
	"registry.vehicle.seats":                            in(vehicle, func(o *Vehicle) any { return &o.Seats }),
	"registry.vehicle.issuer":                           in(vehicle, func(o *Vehicle) any { return &o.Issuer }),
	"registry.vehicle.pending_violations":               in(vehicle, func(o *Vehicle) any { return &o.PendingViolations }),
	"registry.vehicle.accident_injury":                  in(vehicle, func(o *Vehicle) any { return &o.AccidentInjury }),
	"registry.vehicle.illegal_modification":             in(vehicle, func(o *Vehicle) any { return &o.IllegalModification }),
	"registry.vehicle.reissues_12m":                     in(vehicle, func(o *Vehicle) any { return &o.Reissues12m }),
	"registry.vehicle.road_transport_cert_until":        in(vehicle, func(o *Vehicle) any { return &o.RoadTransportCertUntil }),
	"registry.vehicle.liability_insurance_until":        in(vehicle, func(o *Vehicle) any { return &o.LiabilityInsuranceUntil }),
	"registry.vehicle.gps_last_seen":                    in(vehicle, func(o *Vehicle) any { return &o.GPSLastSeen }),
	"registry.passes.active_same_zone":                  in(passes, func(o *Passes) any { return &o.ActiveSameZone }),
	"registry.passes.zone_issued_today":                 in(passes, func(o *Passes) any { return &o.ZoneIssuedToday }),
	"registry.carrier.permit_until":                     in(carrier, func(o *Carrier) any { return &o.PermitUntil }),
	"registry.carrier.scope":                            in(carrier, func(o *Carrier) any { return &o.Scope }),
	"registry.escort.id_number":                         in(escort, func(o *Escort) any { return &o.IDNumber }),
	"registry.escort.qualification_until":               in(escort, func(o *Escort) any { return &o.QualificationUntil }),
	"registry.id_card_application.status":               in(idCardApplication, func(o *IDCardApplication) any { return &o.Status }),
	"registry.temp_id_valid_until":                      func(f *Facts) any { return &f.Registry.TempIDValidUntil },
	"registry.residence_permit.number":                  in(residencePermit, func(o *ResidencePermit) any { return &o.Number }),
	"registry.residence_permit.issued_on":               in(residencePermit, func(o *ResidencePermit) any { return &o.IssuedOn }),
	"registry.residence_permit.issuer_region":           in(residencePermit, func(o *ResidencePermit) any { return &o.IssuerRegion }),
	"registry.residence_permit.status":                  in(residencePermit, func(o *ResidencePermit) any { return &o.Status }),
	"registry.residence_permit.endorsed_until":          in(residencePermit, func(o *ResidencePermit) any { return &o.EndorsedUntil }),
	"registry.residence_permit.registration_active":     in(residencePermit, func(o *ResidencePermit) any { return &o.RegistrationActive }),
	"registry.residence_evidence.insured_months_last_6": in(residenceEvidence, func(o *ResidenceEvidence) any { return &o.InsuredMonthsLast6 }),
	"registry.residence_evidence.housing_record":        in(residenceEvidence, func(o *ResidenceEvidence) any { return &o.HousingRecord }),
	"registry.residence_evidence.school_enrolment":      in(residenceEvidence, func(o *ResidenceEvidence) any { return &o.SchoolEnrolment }),
	"registry.criminal_record.result":                   in(criminalRecord, func(o *CriminalRecord) any { return &o.Result }),
	"registry.criminal_record.queries_this_year":        in(criminalRecord, func(o *CriminalRecord) any { return &o.QueriesThisYear }),
	"registry.exit_entry.permit_number":                 in(exitEntry, func(o *ExitEntry) any { return &o.PermitNumber }),
	"registry.exit_entry.permit_valid_until":            in(exitEntry, func(o *ExitEntry) any { return &o.PermitValidUntil }),
	"registry.exit_entry.exit_ban":                      in(exitEntry, func(o *ExitEntry) any { return &o.ExitBan }),
	"registry.exit_entry.state_functionary":             in(exitEntry, func(o *ExitEntry) any { return &o.StateFunctionary }),
	"registry.exit_entry.overstay_record":               in(exitEntry, func(o *ExitEntry) any { return &o.OverstayRecord }),
}

// objectNull tells, for each nullable object of the facts schema, whether it is null.
var objectNull = map[string]func(*Facts) bool{
	"registry.person":              isNil(person),
	"registry.driver":              isNil(driver),
	"registry.driver.medical_cert": isNil(medicalCert),
	"registry.vehicle":             isNil(vehicle),
	"registry.carrier":             isNil(carrier),
	"registry.escort":              isNil(escort),
	"registry.id_card_application": isNil(idCardApplication),
	"registry.residence_permit":    isNil(residencePermit),
	"registry.criminal_record":     isNil(criminalRecord),
	"registry.exit_entry":          isNil(exitEntry),
}

// in reads a field of the object obj returns, or nil when that object is null.
func in[T any](obj func(*Facts) *T, field func(*T) any) func(*Facts) any {
	return func(f *Facts) any {
		if o := obj(f); o != nil {
			return field(o)
		}
		return nil
	}
}

// isNil reports whether the object obj returns is null.
func isNil[T any](obj func(*Facts) *T) func(*Facts) bool {
	return func(f *Facts) bool { return obj(f) == nil }
}

// The registry's objects.

func person(f *Facts) *Person                       { return f.Registry.Person }
func driver(f *Facts) *Driver                       { return f.Registry.Driver }
func vehicle(f *Facts) *Vehicle                     { return f.Registry.Vehicle }
func passes(f *Facts) *Passes                       { return f.Registry.Passes }
func carrier(f *Facts) *Carrier                     { return f.Registry.Carrier }
func escort(f *Facts) *Escort                       { return f.Registry.Escort }
func idCardApplication(f *Facts) *IDCardApplication { return f.Registry.IDCardApplication }
func residencePermit(f *Facts) *ResidencePermit     { return f.Registry.ResidencePermit }
func residenceEvidence(f *Facts) *ResidenceEvidence { return f.Registry.ResidenceEvidence }
func criminalRecord(f *Facts) *CriminalRecord       { return f.Registry.CriminalRecord }
func exitEntry(f *Facts) *ExitEntry                 { return f.Registry.ExitEntry }

func medicalCert(f *Facts) *MedicalCert {
	if d := f.Registry.Driver; d != nil {
		return d.MedicalCert
	}
	return nil
}
