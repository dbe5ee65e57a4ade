from django import forms, template

register = template.Library()


@register.filter
def kern_widget(field):
    """Render a bound field's widget with KERN classes and the ARIA links to its hint and error."""
    widget = field.field.widget
    if isinstance(widget, forms.Select):
        css = "kern-form-input__select"
    elif isinstance(widget, forms.CheckboxInput):
        css = "kern-form-check__checkbox"
    else:
        css = "kern-form-input__input"
    attrs = {"class": css + (f" {css}--error" if field.errors else "")}
    described_by = [f"{field.auto_id}-hint"] if field.help_text else []
    if field.errors:
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}-error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def widget_kind(field):
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter
def public_profile(organisation):
    """(label, value) of the fields the organisation chose to publish; a person's name only with consent."""
    from accounts.services.organisations import display_value

    rows = []
    for name in organisation.PUBLISHABLE_FIELDS:
        if name not in organisation.public_fields:
            continue
        if name == "contact_name" and not organisation.contact_name_consent:
            continue
        value = display_value(name, getattr(organisation, name))
        if value:
            rows.append((organisation._meta.get_field(name).verbose_name, value))
    return rows


@register.filter
def error_list(form):
    """A form's errors for the summary: (anchor of the field or None, label, message), form-wide ones first."""
    rows = [(None, "", error) for error in form.non_field_errors()]
    rows += [(field.auto_id, field.label, error) for field in form.visible_fields() for error in field.errors]
    return rows
