"""Schemathesis hooks for jewel-crm: one check stricter than the stock one.

Schemathesis's `positive_data_acceptance` fails a schema-valid request that is
refused. Some refusals of schema-valid data are right and no schema can rule
them out: an id that names nothing stored, a branch the caller does not work
at, a cursor or an ETag we never issued, a date after today. So
`schemathesis.toml` lets 400, 412 and 422 through that check, and this one
takes its place, reading the problem+json: a schema-valid request may be
refused only for one of the reasons below; anything else (`required`,
`format`, `type`, `too_long`, ...) means the document allows what the server
refuses, and fails the run.
"""

import json
import re

import schemathesis

# (field, code) pairs, or (None, code) for any field, that depend on what is
# stored, on who asks, on the clock or on another field of the request; no
# JSON Schema this API can publish expresses them. A field's list indexes are
# read as `[]` (`pieces[3].making` is `pieces[].making`).
STATE_DEPENDENT = {
    (None, "not_found"),  # an id that names no record (of this caller's)
    (None, "out_of_scope"),  # a branch the caller does not work at
    (None, "taken"),  # a code, e-mail or tag number already in use
    (None, "future"),  # a birthday or anniversary after today
    (None, "past"),  # a hold that would end before now
    ("cursor", "invalid"),  # a cursor we never issued
    # A stateful link that carried a null id (`None` in the path): every
    # UUID the document allows parses, so only such a link meets this.
    ("id", "format"),
    ("If-Match", "invalid"),  # an ETag we never issued
    ("Idempotency-Key", "reused"),  # a key already used with another request
    ("timezone", "invalid"),  # a name the IANA time zone database lacks
    ("timezone", "format"),
    ("q", "too_short"),  # the quick search needs 2 letters or 4 digits of a word
    ("header", "missing_column"),  # a CSV body's header row (text/csv has no schema)
    # An import job's rows are what its parts uploaded.
    ("rows", "empty"),
    ("rows", "too_many"),
    # A phone number is checked against its country's numbering plan.
    ("mobile", "format"),
    ("login", "format"),
    ("phone", "format"),
    ("otherPhones[]", "format"),
    # One field depends on another, or on a setting.
    ("refundMethod", "required"),  # with settlement refund only
    ("refundMethod", "unexpected"),
    ("fineness", "together"),  # a lot's metal and fineness come as a pair
    ("metal", "together"),
    ("branchIds", "required"),  # every role but the owner works somewhere
    ("making", "required"),  # unless the piece's design has a making charge
    ("pieces[].making", "required"),
    ("category", "required"),  # unless the piece has a design
    ("pieces[].category", "required"),
    ("rates[].currency", "other_currency"),  # the business's currency, a setting
    ("currency", "other_currency"),
    ("gstin", "state_mismatch"),  # a GSTIN begins with its branch's state code
    # Which grades go with which metal (the schema lists every metal's grades).
    ("fineness", "unknown_grade"),
    ("rates[].fineness", "unknown_grade"),
    ("pieces[].fineness", "unknown_grade"),
    # A stone is priced per carat or at a fixed price, one of the two.
    ("stones[].pricePerCarat", "one_of"),
    ("pieces[].stones[].pricePerCarat", "one_of"),
    ("until", "too_far"),  # a hold ends within 90 days of now
    ("header[]", "unknown_column"),  # a CSV body's header row (text/csv has no schema)
    ("sort", "repeated"),  # each sort field at most once
    ("q", "format"),  # a quick search of digits only is read as a phone number
    # Stones cannot weigh more than the piece they are set in.
    ("stoneWeight", "too_large"),
    ("pieces[].stoneWeight", "too_large"),
    # A making charge in percent is at most 100 (per gram, any amount).
    ("making.value", "too_large"),
    ("pieces[].making.value", "too_large"),
    ("quantity", "format"),  # a lot counted in pieces takes whole numbers
    ("direction", "required"),  # an adjustment says whether stock goes in or out
    ("direction", "receipt_in"),  # and a receipt always comes in
    ("reason", "required"),  # an adjustment of a lot's stock says why
    # The net weight and the stones' cannot weigh more than the piece.
    ("netWeight", "too_large"),
    ("pieces[].netWeight", "too_large"),
    ("addresses[].pinCode", "indian_pin"),  # in India, with country IN
    # No text takes control characters but tab and line breaks (the API's
    # description says so; a pattern on every string would hide the rest).
    (None, "control_character"),
    # A loyalty programme's tiers: the first starts at 0, each above the
    # one before, names not repeated (one item depends on the others).
    ("tiers[].threshold", "range"),
    ("tiers[].threshold", "order"),
    ("tiers[].name", "duplicate"),
    ("points", "range"),  # an adjustment of 0 points (no attribute says "not 0")
    ("points", "more_than_available"),  # the customer's active points
    ("externalId", "reused"),  # an external id used for other points
    # Points paid on a bill: the programme's cap of the bill's total, its
    # point value, the customer's points, the bill's customer.
    ("payments[].amount", "over_cap"),
    ("payments[].amount", "whole_points"),
    ("payments[].amount", "below_first_minimum"),
    ("payments[].amount", "more_than_available"),
    ("payments[].method", "no_customer"),
    ("payments[].amount", "more_than_held"),  # the customer's store credit
    ("settlement", "no_customer"),  # store credit needs the bill's customer
    ("refundMethod", "not_a_refund"),  # a refund is never in points
    # A gift voucher paid with: its code is the payment's reference (one
    # field for every method), spendable until it expires or is voided.
    ("payments[].reference", "format"),
    ("payments[].amount", "expired"),
    ("payments[].amount", "voided"),
    # A bill selling a gift voucher: no value discount, none on its line.
    ("discount", "gift_voucher"),
    ("lines[].discount", "unexpected"),
    # An unsubscribe link is signed by this server: a made-up token is not.
    ("link", "invalid"),
    ("link", "expired"),
    ("templateId", "not_campaign"),  # a campaign sends a template of trigger campaign
    ("branchId", "fixed"),  # a segment keeps the branch it was made for
    ("phone", "missing"),  # an SMS campaign's test send needs the caller's mobile
    ("caller", "not_staff"),  # a test send goes to a staff member
    # A segment's filter: one bound against the other.
    ("filter.maxLifetimeValue", "less_than_min"),
    ("filter.lastPurchaseBefore", "not_after_from"),
    ("lines[].amount", "too_small"),  # a voucher of 0.00
    ("lineIds[]", "gift_voucher"),  # a voucher sold is not taken back
    # A savings plan's terms depend on its kind, and on each other.
    ("metal", "required"),  # a weight plan books grams of a metal
    ("metal", "unexpected"),  # an amount plan books money
    ("step", "unexpected"),  # an amount plan's instalment is fixed
    ("bonusShare", "range"),  # at most two instalments (a percent string)
    ("preclosureAfter", "range"),  # at most the number of instalments
    ("amount", "too_small"),  # an instalment of 0.00, or under a milligram
    ("planId", "retired"),  # a plan closed to enrolments
    ("planId", "beyond_365_days"),
    # An instalment: the plan's own amount or steps, the cash limit, the
    # day's rate of a weight plan's metal, a bank transfer's reference.
    ("amount", "instalment"),
    ("amount", "cash_limit"),
    ("amount", "no_rate"),
    ("reference", "required"),
    # A savings scheme paying a bill: the bill's customer's, matured and
    # within its window, for jewellery only; such a bill comes back as
    # store credit. Closing one early: after its threshold, before maturity.
    ("payments[].reference", "not_matured"),
    ("payments[].reference", "lapsed"),
    ("payments[].reference", "redeemed"),
    ("payments[].reference", "closed"),
    ("payments[].amount", "beyond_jewellery"),
    ("settlement", "scheme_paid"),
    ("enrolment", "too_early"),
    ("enrolment", "matured"),
    ("enrolment", "redeemed"),
    ("enrolment", "closed"),
    ("enrolment", "nothing_paid"),
    # A plan's bonus is a share of an instalment or a making waiver; a
    # large plan needs the customer's PAN on file.
    ("makingWaiver", "range"),
    ("makingWaiver", "with_bonus"),
    ("customerId", "pan_required"),
    ("amount", "pan_required"),
    # A draft taking a scheme's making waiver: the customer's matured
    # enrolment in a waiver plan, no other discount, jewellery on the bill;
    # the bill is then paid from that scheme.
    ("schemeEnrolmentId", "not_matured"),
    ("schemeEnrolmentId", "lapsed"),
    ("schemeEnrolmentId", "no_waiver"),
    ("schemeEnrolmentId", "no_jewellery"),
    ("schemeEnrolmentId", "redeemed"),
    ("schemeEnrolmentId", "closed"),
    ("discount", "with_waiver"),
    ("lines[].discount", "with_waiver"),
    ("payments", "scheme_required"),
    # A job card: a repair or appraisal weighs its item in; a move needs
    # its reason (a hold, a cancel) or its collector (a delivery).
    ("grossWeightIn", "required"),
    ("reason", "required"),
    ("collectedBy", "required"),
    # An estimate line needs what its kind needs, and today's rate for new
    # metal of a grade of its metal.
    ("lines[].taskId", "required"),
    ("lines[].metal", "required"),
    ("lines[].fineness", "required"),
    ("lines[].weight", "required"),
    ("lines[].amount", "required"),
    ("lines[].description", "required"),
    ("lines[].fineness", "no_rate"),
    ("lines[].fineness", "unknown_grade"),
    # A challan: metal beyond its stones' weight, a wastage in percent;
    # a receipt: no more back than went out, a large loss says why.
    ("grossWeight", "too_small"),
    ("grossWeight", "more_than_issued"),
    ("stonesCarats", "more_than_issued"),
    ("lossReason", "required"),
    ("allowedWastage", "range"),
    ("defaultWastage", "range"),
    # Text of only spaces is empty once trimmed.
    ("name", "length"),
    ("nomineeName", "length"),
    ("nomineeRelation", "length"),
    ("reference", "length"),
    ("customerWords", "length"),
    ("description", "length"),
    ("conditionNotes", "length"),
    ("lines[].description", "length"),
    ("lossReason", "length"),
    ("collectedBy", "length"),
    ("reason", "length"),
    # A job's money and metal (issue 21): an advance pays only its job's
    # bill, no more than is left of it; the customer's metal going out is
    # no more than they hold, received metal is weighed and tested, a use
    # names its job and a purchase its rate; an override only where the
    # bill is not paid; a photo is an image.
    ("payments[].method", "not_a_job_bill"),
    ("payments[].amount", "more_than_left"),
    ("overrideReason", "needless"),
    ("overrideReason", "length"),
    ("fineWeight", "more_than_held"),
    ("fineWeight", "required"),
    ("fineWeight", "unexpected"),
    ("fineWeight", "too_small"),
    ("grossWeight", "required"),
    ("grossWeight", "unexpected"),
    ("grossWeight", "too_small"),
    ("fineness", "required"),
    ("jobId", "required"),
    ("rate", "required"),
    ("rate", "unexpected"),
    ("note", "length"),
    ("photo", "not_an_image"),
    ("photo", "required"),
    ("caption", "length"),
    ("caption", "format"),
    # A message template (issue 22) is checked against its trigger's
    # variables and its channel: a subject on e-mail only, an SMS at most
    # 670 characters, Jinja that parses and renders; a preview's values
    # name the trigger's variables (`values.<name>`); staff never record a
    # customer's own STOP or unsubscribe as the source of consent.
    ("subject", "not_for_channel"),
    ("subject", "required"),
    ("subject", "unknown_variable"),
    ("subject", "template_syntax"),
    ("subject", "template_render"),
    ("body", "required"),
    ("body", "too_long"),
    ("body", "unknown_variable"),
    ("body", "template_syntax"),
    ("body", "template_render"),
    ("values.*", "unknown_variable"),
    ("source", "not_for_staff"),
    # A DLT content template id is an SMS template's; a WhatsApp template
    # names the one Meta approved and fills it with its trigger's variables.
    ("dltTemplateId", "not_for_channel"),
    ("whatsappName", "required"),
    ("whatsappName", "not_for_channel"),
    ("whatsappParameters[]", "unknown_variable"),
    ("templateId", "dlt_template_missing"),  # a test send under the shop's DLT registration
    # A webhook endpoint's URL: https and a public address unless settings
    # allow otherwise; no credentials; at most 50 endpoints. An API
    # client names only event types its scopes let it read.
    ("url", "scheme"),
    ("url", "private_address"),
    ("url", "credentials"),
    ("url", "format"),
    ("url", "too_many"),
    ("eventTypes[]", "not_readable"),
    ("messageId", "not_sent"),  # a replay names a message the endpoint was sent
    ("messageId", "one_way"),  # a replay names a message, or a time range
    ("until", "before_since"),
}


def _allowed(error):
    field = re.sub(r"\[\d+\]", "[]", str(error.get("field")))
    field = re.sub(r"^values\..*$", "values.*", field)
    code = error.get("code")
    return (field, code) in STATE_DEPENDENT or (None, code) in STATE_DEPENDENT


def _problem(response):
    try:
        return json.loads(response.content)
    except (ValueError, TypeError):
        return None


@schemathesis.check
def refused_only_for_stored_facts(ctx, response, case):
    """A schema-valid request is refused only for a reason no schema can state."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status not in (400, 422, 412):
        return None
    if status == 412:
        if "If-Match" not in (case.headers or {}):
            raise AssertionError("412 to a request that sent no If-Match")
        return None
    problem = _problem(response)
    errors = (problem or {}).get("errors") or []
    if not errors:
        raise AssertionError(f"{status} refusing schema-valid data without naming a field: {response.text[:300]}")
    unexplained = [e for e in errors if not _allowed(e)]
    if unexplained:
        listed = ", ".join(f"{e.get('field')}: {e.get('code')} ({e.get('message')})" for e in unexplained)
        raise AssertionError(f"schema-valid data refused with {status}; the document should rule this out: {listed}")
    return None
