// The activity module's entry: what other modules and faces may use of it.
export {
  type ActivityEvent,
  type ActivityService,
  createActivityService,
  type DayView,
} from './activity.service.ts';
