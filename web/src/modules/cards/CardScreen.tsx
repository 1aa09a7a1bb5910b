// The routes leads/:id, contacts/:id and companies/:id (App.tsx): the kind is the path's first segment.
import { useLocation, useParams } from "react-router-dom";

import { NotFound } from "../../shell/NotFound";
import { EntityCard } from "./EntityCard";
import { isKind, parseId } from "./kinds";

export default function CardScreen() {
  const { pathname } = useLocation();
  const { id } = useParams();
  const kind = pathname.split("/")[1];
  if (!isKind(kind)) return <NotFound />;
  return <EntityCard key={`${kind}-${id}`} kind={kind} id={parseId(id)} />;
}
