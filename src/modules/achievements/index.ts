// The achievements module's entry: what other modules and faces may use of it.
export {
  type AchievementsService,
  type AchievementType,
  type AchievementView,
  createAchievementsService,
  REFERRAL,
} from './achievements.service.ts';
