from django import forms

from accounts.models import User


class ReminderChannelForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["reminder_channel"]
        widgets = {"reminder_channel": forms.RadioSelect}
