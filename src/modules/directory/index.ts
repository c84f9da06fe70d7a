// The directory module's entry: what other modules and faces may use of it.
export { deleteSearchDocument, writeSearchDocument } from './directory.repository.ts';
export { directoryRoutes } from './directory.routes.ts';
export { createDirectoryService } from './directory.service.ts';
export { searchDocument } from './search-document.ts';
