import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App, preloadScreen } from "./App";
import { makeQueryClient } from "./api/queryClient";
import "./styles.css";

const queryClient = makeQueryClient();
preloadScreen(window.location.pathname);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App queryClient={queryClient} />
  </StrictMode>,
);
