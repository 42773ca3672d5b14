"""The patient's page, a Telegram Mini App (docs/webapp.md): its files (`static/`), the
sign-in check (`auth`), the JSON API over the chat's own actions (`api`), the page's data
(`state`) and how it is served (`site`)."""
