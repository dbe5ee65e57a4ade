from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


demand = bundle = decline = session_detail = session_act = _todo
