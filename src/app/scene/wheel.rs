//! Which wheel turns belong to the 3-D view: each turn is judged where the pointer was when it
//! happened, not where it is when the frame runs.
//!
//! Under software rendering a frame takes ~150 ms, so one frame's input can hold a wheel turned
//! over the panel *and* the pointer's move back over the view; summing the frame's scroll and
//! testing the pointer's final position (what `AccumulatedMouseScroll` allows) zooms the view
//! for a wheel that was turned over the panel. The window's event stream keeps the order of
//! moves and turns, so the pointer's position at each turn is known.

use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::math::Vec2;
use bevy::window::WindowEvent;

/// Pixels of a touchpad's scroll that count as one wheel notch (winit's line height).
const PIXELS_PER_LINE: f32 = 20.0;

/// The wheel's vertical turn in notches, pixel-unit scrolls converted at [`PIXELS_PER_LINE`].
pub fn notches(wheel: &MouseWheel) -> f32 {
    match wheel.unit {
        MouseScrollUnit::Line => wheel.y,
        MouseScrollUnit::Pixel => wheel.y / PIXELS_PER_LINE,
    }
}

/// Sums the notches turned while the pointer was inside the view (`in_view` in logical pixels),
/// following the pointer through `events` from `cursor`, its position before them, which is
/// updated in place. A turn with no known position (the pointer outside the window, or the
/// synthetic wheel of `--zoom`) belongs to the view.
pub fn wheel_over_view<'a>(
    events: impl IntoIterator<Item = &'a WindowEvent>,
    cursor: &mut Option<Vec2>,
    in_view: impl Fn(Vec2) -> bool,
) -> f32 {
    let mut notches_in_view = 0.0;
    for event in events {
        match event {
            WindowEvent::CursorMoved(m) => *cursor = Some(m.position),
            WindowEvent::CursorLeft(_) => *cursor = None,
            WindowEvent::MouseWheel(w) if cursor.is_none_or(&in_view) => {
                notches_in_view += notches(w)
            }
            _ => {}
        }
    }
    notches_in_view
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::ecs::entity::Entity;
    use bevy::input::touch::TouchPhase;
    use bevy::window::{CursorLeft, CursorMoved};

    fn moved(x: f32) -> WindowEvent {
        WindowEvent::CursorMoved(CursorMoved {
            window: Entity::PLACEHOLDER,
            position: Vec2::new(x, 100.0),
            delta: None,
        })
    }

    fn turn(y: f32, unit: MouseScrollUnit) -> WindowEvent {
        WindowEvent::MouseWheel(MouseWheel {
            unit,
            x: 0.0,
            y,
            window: Entity::PLACEHOLDER,
            phase: TouchPhase::Moved,
        })
    }

    /// The view is x ≥ 300; the panel is left of it.
    fn view(p: Vec2) -> bool {
        p.x >= 300.0
    }

    #[test]
    fn a_turn_over_the_panel_followed_by_a_move_into_the_view_does_not_zoom() {
        let line = MouseScrollUnit::Line;
        let events = [moved(150.0), turn(1.0, line), turn(1.0, line), moved(660.0)];
        let mut cursor = Some(Vec2::new(660.0, 100.0));
        assert_eq!(wheel_over_view(&events, &mut cursor, view), 0.0);
        assert_eq!(cursor, Some(Vec2::new(660.0, 100.0)));
        // The same turns after the move belong to the view (the test can fail).
        let events = [
            moved(150.0),
            moved(660.0),
            turn(1.0, line),
            turn(-3.0, line),
        ];
        assert_eq!(wheel_over_view(&events, &mut cursor, view), -2.0);
    }

    #[test]
    fn the_position_carries_over_frames_and_is_lost_when_the_pointer_leaves() {
        let mut cursor = None;
        wheel_over_view(&[moved(100.0)], &mut cursor, view);
        let pixel = MouseScrollUnit::Pixel;
        assert_eq!(
            wheel_over_view(&[turn(40.0, pixel)], &mut cursor, view),
            0.0
        );
        let left = WindowEvent::CursorLeft(CursorLeft {
            window: Entity::PLACEHOLDER,
        });
        let events = [left, turn(40.0, pixel)];
        assert_eq!(wheel_over_view(&events, &mut cursor, view), 2.0);
    }
}
