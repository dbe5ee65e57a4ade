from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


request_list = choose_programme = create = detail = edit_step = finance_preview = comment = report = act = _todo
