"""Helpers shared by the interventions views."""

from django.core.exceptions import ValidationError


def apply_service(form, service_call):
    """Run a service; a ValidationError lands on the form's fields."""
    try:
        return service_call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in form.fields else None
                for message in errors:
                    form.add_error(target, message)
        else:
            for message in error.messages:
                form.add_error(None, message)
        return None
