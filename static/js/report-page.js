// The server-rendered report page (GET /api/v1/reports/{id}?format=html): challenge buttons per hit.
import { enhanceServerReport } from "./challenge.js";

enhanceServerReport();
