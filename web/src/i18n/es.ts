// Textos en español: las mismas claves que en.ts.
import type { Dictionary } from "./en";

export const es: Dictionary = {
  "app.name": "Kanbo",
  "app.skip_to_content": "Saltar al contenido",
  "app.loading": "Cargando…",
  "app.signing_out": "Cerrando sesión…",

  "nav.label": "Principal",
  "nav.menu": "Menú",
  "nav.board": "Tablero",
  "nav.leads": "Leads",
  "nav.contacts": "Contactos",
  "nav.companies": "Empresas",
  "nav.tasks": "Tareas",
  "nav.incoming": "Leads entrantes",
  "nav.settings": "Ajustes",

  "user.sign_out": "Cerrar sesión",
  "user.language": "Idioma",
  "user.menu": "Menú de la cuenta de {name}",

  "lang.en": "English",
  "lang.es": "Español",

  "common.retry": "Reintentar",
  "common.close": "Cerrar",
  "common.cancel": "Cancelar",
  "common.save": "Guardar",
  "common.delete": "Eliminar",
  "common.edit": "Editar",
  "common.create": "Crear",
  "common.search": "Buscar",
  "common.required": "obligatorio",
  "common.dismiss": "Descartar",
  "common.items_one": "{count} elemento",
  "common.items_other": "{count} elementos",

  "error.title": "Algo salió mal",
  "error.generic": "La solicitud falló. Comprueba la conexión e inténtalo de nuevo.",
  "error.forbidden": "No tienes permisos para ver esto.",
  "error.session": "No se pudo cargar tu sesión.",

  "not_found.title": "Página no encontrada",
  "not_found.message": "No hay ninguna página en {path}.",
  "not_found.home": "Ir al tablero",
};
