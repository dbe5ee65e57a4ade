from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


create = detail = withdraw = participants = _todo
