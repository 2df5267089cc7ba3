app_name = "financement"
urlpatterns = []
