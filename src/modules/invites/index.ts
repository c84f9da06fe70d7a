// The invites module's entry: what other modules and faces may use of it.

export { broughtInBy } from './invites.repository.ts';
export {
  type Admission,
  type AdmissionInput,
  createInvitesService,
  type InvitesService,
} from './invites.service.ts';
