// The directory module's entry: what other modules and faces may use of it.
export { createDirectoryService, type DirectoryKey, type DirectoryService } from './directory.service.ts';
