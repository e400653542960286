use super::*;

fn card(kind: JobKind, status: JobStatus) -> JobCard {
    let at = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
        .expect("at")
        .with_timezone(&Utc);
    JobCard {
        id: uuid::Uuid::now_v7(),
        number: "MUM1/JOB/2026-27/000042".to_owned(),
        financial_year: "2026-27".to_owned(),
        branch_id: uuid::Uuid::now_v7(),
        customer_id: uuid::Uuid::now_v7(),
        kind,
        priority: JobPriority::Normal,
        status,
        held_from: None,
        hold_reason: None,
        intake: Intake {
            customer_words: "The clasp is loose".to_owned(),
            description: None,
            condition_notes: None,
            metal: Some(Metal::Gold),
            fineness: Some(916),
            gross_weight_in: Some(Weight::from_units(12_480)),
            stones_in: 0,
            declared_value: None,
            piece_id: None,
            promised_on: None,
            estimate_only: false,
        },
        estimate_revision: 1,
        approved_revision: 1,
        approved_by: None,
        approved_at: None,
        flagged: false,
        collected_by: None,
        delivered_at: None,
        invoice_id: None,
        delivery_override: None,
        created_by: uuid::Uuid::now_v7(),
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

fn to(status: JobStatus) -> StatusMove {
    StatusMove {
        to: status,
        reason: Some("Customer travelling".to_owned()),
        collected_by: Some("Meenakshi".to_owned()),
        override_reason: None,
    }
}

#[test]
fn the_work_moves_one_step_at_a_time() {
    use JobStatus::*;
    let chain = [Back, Ready, Delivered];
    for pair in chain.windows(2) {
        let job = card(JobKind::Repair, pair[0]);
        assert!(job.check_move(&to(pair[1])).is_ok(), "{pair:?}");
    }
    // An estimate and its approval make a job estimated and approved.
    for (from, skipped) in [
        (Received, Estimated),
        (Estimated, Approved),
        (Approved, AtArtisan),
        (AtArtisan, Back),
        (Approved, Ready),
        (Back, Delivered),
    ] {
        let job = card(JobKind::Repair, from);
        assert_eq!(
            job.check_move(&to(skipped)),
            Err(MoveRefused::Illegal { from, to: skipped })
        );
    }
    let done = card(JobKind::Repair, Delivered);
    assert!(done.check_move(&to(OnHold)).is_err());
    // Challans send it out and bring it back.
    assert_eq!(card(JobKind::Repair, Back).check_issue(), Ok(AtArtisan));
    assert_eq!(card(JobKind::Repair, Approved).check_issue(), Ok(AtArtisan));
    assert!(card(JobKind::Repair, Received).check_issue().is_err());
}

#[test]
fn a_hold_resumes_where_it_was_and_needs_a_reason() {
    use JobStatus::*;
    let job = card(JobKind::Repair, Approved);
    let bare = StatusMove {
        to: OnHold,
        reason: Some("  ".to_owned()),
        collected_by: None,
        override_reason: None,
    };
    assert!(matches!(
        job.check_move(&bare),
        Err(MoveRefused::Invalid(_))
    ));
    let held = job.moved(&to(OnHold), job.updated_at);
    assert_eq!(held.held_from, Some(Approved));
    assert!(held.check_move(&to(AtArtisan)).is_err());
    assert!(held.check_move(&to(Approved)).is_ok());
    let resumed = held.moved(&to(Approved), held.updated_at);
    assert_eq!((resumed.held_from, resumed.version), (None, 3));
}

#[test]
fn an_item_with_an_artisan_is_not_cancelled_and_a_delivery_names_who_collected() {
    use JobStatus::*;
    let out = card(JobKind::Repair, AtArtisan);
    assert!(out.check_move(&to(Cancelled)).is_err());
    let held = out.moved(&to(OnHold), out.updated_at);
    assert!(held.check_move(&to(Cancelled)).is_err());
    let ready = card(JobKind::Repair, Ready);
    let nobody = StatusMove {
        to: Delivered,
        reason: None,
        collected_by: None,
        override_reason: None,
    };
    assert!(matches!(
        ready.check_move(&nobody),
        Err(MoveRefused::Invalid(_))
    ));
    assert!(
        card(JobKind::Appraisal, Estimated)
            .check_move(&to(Ready))
            .is_ok()
    );
    assert!(
        card(JobKind::Repair, Estimated)
            .check_move(&to(Ready))
            .is_err()
    );
}

#[test]
fn an_item_taken_in_is_weighed_and_a_promise_is_not_in_the_past() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).expect("a day");
    let mut intake = card(JobKind::Repair, JobStatus::Received).intake;
    assert!(intake.validate(JobKind::Repair, today).is_ok());
    intake.gross_weight_in = None;
    intake.promised_on = NaiveDate::from_ymd_opt(2026, 12, 5);
    let invalid = intake
        .validate(JobKind::Repair, today)
        .expect_err("no weight");
    let fields: Vec<&str> = invalid.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["grossWeightIn", "promisedOn"]);
    assert!(
        intake
            .validate(JobKind::CustomOrder, today)
            .is_err_and(|i| i.errors().len() == 1)
    );
}

#[test]
fn a_changed_estimate_waits_for_approval_again() {
    use JobStatus::*;
    let mut job = card(JobKind::Repair, Received);
    job.estimate_revision = 0;
    job.approved_revision = 0;
    assert_eq!(job.check_approval(), Err(MoveRefused::NothingToApprove));
    assert_eq!(job.check_estimate(), Ok(Estimated));
    job.status = Estimated;
    job.estimate_revision = 1;
    assert_eq!(job.check_approval(), Ok(Approved));
    job.status = Back;
    job.approved_revision = 1;
    job.estimate_revision = 2;
    assert_eq!(
        job.check_estimate(),
        Ok(Back),
        "with the work done, where it is"
    );
    assert_eq!(job.check_move(&to(Ready)), Err(MoveRefused::Unapproved));
    assert_eq!(job.check_approval(), Ok(Back));
    job.approved_revision = 2;
    assert!(job.check_move(&to(Ready)).is_ok());
    assert_eq!(job.check_approval(), Err(MoveRefused::NothingToApprove));
    job.status = Ready;
    assert!(job.check_estimate().is_err());
}
